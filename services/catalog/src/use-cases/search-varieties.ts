import type { EntityManager } from '@mikro-orm/core';
import type { AuctionCategory } from '@marketbill/schemas';
import { searchPlanOf } from '../domain/search-text';
import { findVarieties, type VarietySort, type VarietySummary } from '../data-access/catalog-read-repository';

export interface VarietySearch {
  q?: string;
  itemId?: string;
  category?: AuctionCategory;
  buyableFrom?: string;
  buyableTo?: string;
  sort: VarietySort;
  page: number;
  size: number;
}

/** Varieties by keyword (partial, Korean, 초성), item, category and buyable window; one page. */
export async function searchVarieties(em: EntityManager, s: VarietySearch): Promise<{ items: VarietySummary[]; page: number; size: number; total: number }> {
  const search = s.q === undefined ? undefined : searchPlanOf(s.q);
  const { items, total } = await findVarieties(
    em,
    {
      ...(search ? { search } : {}),
      ...(s.itemId ? { itemId: s.itemId } : {}),
      ...(s.category ? { category: s.category } : {}),
      ...(s.buyableFrom ? { buyableFrom: s.buyableFrom } : {}),
      ...(s.buyableTo ? { buyableTo: s.buyableTo } : {}),
    },
    s.sort,
    s.page,
    s.size,
  );
  return { items, page: s.page, size: s.size, total };
}
