import type { EntityManager } from '@mikro-orm/core';
import { findVarietiesByIds, type VarietySummary } from '../data-access/catalog-read-repository';

/** Summaries of the given varieties (the edge's carts and orders); unknown ids are simply absent. */
export async function lookupVarieties(em: EntityManager, ids: string[]): Promise<{ items: VarietySummary[] }> {
  return { items: await findVarietiesByIds(em, [...new Set(ids.map((id) => id.toLowerCase()))]) };
}
