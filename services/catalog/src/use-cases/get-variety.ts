import type { EntityManager } from '@mikro-orm/core';
import { VarietyNotFoundError } from '../domain/catalog-errors';
import { compareGrades, priceChange } from '../domain/price-change';
import { findVariety, latestTwoDaysPerGrade, type VarietySummary } from '../data-access/catalog-read-repository';

export interface LatestPrice {
  grade: string;
  saleDate: string;
  minPrice: number;
  avgPrice: number;
  maxPrice: number;
  totalQuantity: number;
  totalAmount: number;
  previous: { saleDate: string; avgPrice: number } | null;
  avgChange: number | null;
  avgChangeRate: number | null;
}

export type VarietyDetail = VarietySummary & { latestPrices: LatestPrice[] };

/**
 * A variety with, per auction grade, its prices on the latest auction day of that grade and the
 * change of the average versus the previous auction day of that grade.
 */
export async function getVariety(em: EntityManager, id: string): Promise<VarietyDetail> {
  const variety = await findVariety(em, id);
  if (!variety) throw VarietyNotFoundError.byId(id);
  const rows = await latestTwoDaysPerGrade(em, id);
  const byGrade = new Map<string, typeof rows>();
  for (const row of rows) byGrade.set(row.grade, [...(byGrade.get(row.grade) ?? []), row]);
  const latestPrices = [...byGrade.keys()].sort(compareGrades).map((grade): LatestPrice => {
    const [latest, previous] = byGrade.get(grade) as [(typeof rows)[number], (typeof rows)[number] | undefined];
    return {
      grade,
      saleDate: latest.saleDate,
      minPrice: latest.minPrice,
      avgPrice: latest.avgPrice,
      maxPrice: latest.maxPrice,
      totalQuantity: latest.totalQuantity,
      totalAmount: latest.totalAmount,
      previous: previous ? { saleDate: previous.saleDate, avgPrice: previous.avgPrice } : null,
      ...priceChange(latest.avgPrice, previous?.avgPrice),
    };
  });
  return { ...variety, latestPrices };
}
