import { isDay, ValidationError } from '@marketbill/platform';
import { dailyPricesOf } from '../../data-access/daily-price-repository';
import { placedDayPicks, placedDayTotals } from '../../data-access/order-repository';
import { actingWholesaler, type Actor } from '../../domain/actor';
import type { BuyerGrade } from '../../domain/grade';
import type { PriceSuggestion } from '../../domain/price-suggestion';
import type { UseCaseContext } from '../context';
import { suggestionsFor } from './suggest-prices';

export interface PickListRow {
  varietyId: string;
  itemName: string;
  varietyName: string;
  grade: BuyerGrade;
  quantity: number;
  orderCount: number;
  /** The day's price for this variety and grade, if the wholesaler set one. */
  dailyPrice: number | null;
  suggestion: PriceSuggestion | null;
}

export interface DailySummary {
  day: string;
  orderCount: number;
  retailerCount: number;
  varietyCount: number;
  totalQuantity: number;
  /** Σ quantity × unit price over priced lines of the day's placed orders (custom and shipping lines included). */
  revenue: number;
  unpricedLineCount: number;
  /** What to pick for the morning: quantity per variety and grade over the day's placed orders. */
  pickList: PickListRow[];
}

/** The wholesaler's day: placed (not cancelled) order sheets of one Seoul day, summed up. */
export async function dailySummary(ctx: UseCaseContext, actor: Actor, day: string): Promise<DailySummary> {
  const wholesalerId = actingWholesaler(actor);
  if (!isDay(day)) throw ValidationError.field('day', 'A day, YYYY-MM-DD.');
  const [totals, picks] = await Promise.all([placedDayTotals(ctx.em, wholesalerId, day), placedDayPicks(ctx.em, wholesalerId, day)]);
  const [prices, suggestions] = await Promise.all([dailyPricesOf(ctx.em, wholesalerId, day), suggestionsFor(ctx, picks.map((p) => ({ varietyId: p.varietyId, grade: p.grade })))]);
  return {
    day,
    ...totals,
    pickList: picks.map((p) => ({
      ...p,
      dailyPrice: prices.find((d) => d.varietyId === p.varietyId && d.grade === p.grade)?.unitPrice ?? null,
      suggestion: suggestions(p.varietyId, p.grade),
    })),
  };
}
