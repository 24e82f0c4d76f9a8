import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '@marketbill/platform';
import { table } from '../../data-access/sql';
import { isUuid } from '../../domain/ids';

export interface AuctionPriceFact {
  itemId: string;
  varietyId: string;
  category: string;
  item: string;
  variety: string;
  grade: string;
  saleDate: string;
  minPrice: number;
  avgPrice: number;
  maxPrice: number;
  totalQuantity: number;
  occurredAt: number;
}

/**
 * Feeds the local catalog read model: the variety (ids and names, as catalog keys them) and the
 * latest auction result per auction grade. Correct when events come twice or out of order: a row
 * of an older sale day never replaces a newer one, and for the same day the later observation wins.
 * An event without ids (written before auction-ingest set them) cannot be keyed: refused for good.
 */
export async function recordAuctionPrice(em: EntityManager, fact: AuctionPriceFact): Promise<void> {
  if (!isUuid(fact.varietyId) || !isUuid(fact.itemId)) throw ValidationError.field('varietyId', 'The event carries no variety or item id.');
  const observedAt = new Date(fact.occurredAt);
  await em.execute(
    `insert into ${table(em, 'catalog_varieties')} as v (id, item_id, category, item_name, variety_name, updated_at) values (?, ?, ?, ?, ?, ?)
     on conflict (id) do update set item_id = excluded.item_id, category = excluded.category, item_name = excluded.item_name,
       variety_name = excluded.variety_name, updated_at = excluded.updated_at
     where v.updated_at <= excluded.updated_at`,
    [fact.varietyId, fact.itemId, fact.category, fact.item, fact.variety, observedAt],
    'run',
  );
  await em.execute(
    `insert into ${table(em, 'auction_prices')} as p (variety_id, auction_grade, sale_date, min_price, avg_price, max_price, total_quantity, observed_at)
     values (?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (variety_id, auction_grade) do update set sale_date = excluded.sale_date, min_price = excluded.min_price,
       avg_price = excluded.avg_price, max_price = excluded.max_price, total_quantity = excluded.total_quantity, observed_at = excluded.observed_at
     where (p.sale_date, p.observed_at) <= (excluded.sale_date, excluded.observed_at)`,
    [fact.varietyId, fact.grade, fact.saleDate, fact.minPrice, fact.avgPrice, fact.maxPrice, fact.totalQuantity, observedAt],
    'run',
  );
}
