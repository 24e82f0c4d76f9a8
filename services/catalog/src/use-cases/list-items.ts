import type { EntityManager } from '@mikro-orm/core';
import type { AuctionCategory } from '@marketbill/schemas';
import { searchPlanOf } from '../domain/search-text';
import { findItems, type ItemSummary } from '../data-access/catalog-read-repository';

/** Items (품목), optionally of one category and matching a keyword; one page. */
export async function listItems(
  em: EntityManager,
  q: { category?: AuctionCategory; q?: string; page: number; size: number },
): Promise<{ items: ItemSummary[]; page: number; size: number; total: number }> {
  const plan = q.q === undefined ? undefined : searchPlanOf(q.q);
  const { items, total } = await findItems(
    em,
    { ...(q.category ? { category: q.category } : {}), ...(plan ? { search: { mode: plan.mode, text: plan.text } } : {}) },
    q.page,
    q.size,
  );
  return { items, page: q.page, size: q.size, total };
}
