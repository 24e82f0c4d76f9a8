import type { EntityManager } from '@mikro-orm/postgresql';
import { preparedQuery } from '@marketbill/platform';
import { AuctionPriceSchema, CatalogVarietySchema, type AuctionPrice, type CatalogVariety } from './entities';
import { table } from './sql';

// The catalog read model: varieties and their latest auction results, fed by auction.price.updated.

/** One auction result as the event carries it, keyed by catalog's ids. */
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

/** Varieties of the read model by id. */
export async function varietiesById(em: EntityManager, ids: string[]): Promise<Map<string, CatalogVariety>> {
  const unique = [...new Set(ids)];
  const rows = unique.length > 0 ? await em.find(CatalogVarietySchema, { id: { $in: unique } }) : [];
  return new Map(rows.map((v) => [v.id, v]));
}

/** The latest auction results (every auction grade) of these varieties. */
export async function auctionPricesOf(em: EntityManager, varietyIds: string[]): Promise<AuctionPrice[]> {
  const unique = [...new Set(varietyIds)];
  return unique.length > 0 ? em.find(AuctionPriceSchema, { varietyId: { $in: unique } }) : [];
}

/**
 * Upserts the variety (ids and names) and its auction grade's result, each only forward: a row of
 * an older sale day never replaces a newer one, and for the same day the later observation wins,
 * so events that come twice or out of order change nothing.
 */
export async function upsertAuctionPrice(em: EntityManager, fact: AuctionPriceFact): Promise<void> {
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

/**
 * {@link upsertAuctionPrice} for a chunk of facts in one statement (the consumer's batch mode), with
 * the same outcome as applying them one by one in their order: per variety the fact with the latest
 * observation wins, per variety and grade the one with the latest (sale day, observation) — on a
 * tie the later fact of the chunk, as one by one — and each only if it is not older than what is
 * stored. Reducing the chunk first is also what Postgres needs: one `insert … on conflict` may not
 * touch the same row twice.
 */
export async function upsertAuctionPrices(em: EntityManager, facts: readonly AuctionPriceFact[]): Promise<void> {
  if (facts.length === 0) return;
  const rows = facts.map((f, n) => ({
    n,
    variety_id: f.varietyId,
    item_id: f.itemId,
    category: f.category,
    item_name: f.item,
    variety_name: f.variety,
    grade: f.grade,
    sale_date: f.saleDate,
    min_price: f.minPrice,
    avg_price: f.avgPrice,
    max_price: f.maxPrice,
    total_quantity: f.totalQuantity,
    observed_at: new Date(f.occurredAt).toISOString(),
  }));
  await preparedQuery(
    em,
    `with input as (
       select * from jsonb_to_recordset($1::jsonb) as t(n int, variety_id uuid, item_id uuid, category text, item_name text, variety_name text, grade text,
         sale_date text, min_price bigint, avg_price bigint, max_price bigint, total_quantity bigint, observed_at timestamptz)
     ), varieties as (
       insert into ${table(em, 'catalog_varieties')} as v (id, item_id, category, item_name, variety_name, updated_at)
       select distinct on (variety_id) variety_id, item_id, category, item_name, variety_name, observed_at
         from input order by variety_id, observed_at desc, n desc
       on conflict (id) do update set item_id = excluded.item_id, category = excluded.category, item_name = excluded.item_name,
         variety_name = excluded.variety_name, updated_at = excluded.updated_at
       where v.updated_at <= excluded.updated_at
     )
     insert into ${table(em, 'auction_prices')} as p (variety_id, auction_grade, sale_date, min_price, avg_price, max_price, total_quantity, observed_at)
     select distinct on (variety_id, grade) variety_id, grade, sale_date, min_price, avg_price, max_price, total_quantity, observed_at
       from input order by variety_id, grade, sale_date desc, observed_at desc, n desc
     on conflict (variety_id, auction_grade) do update set sale_date = excluded.sale_date, min_price = excluded.min_price,
       avg_price = excluded.avg_price, max_price = excluded.max_price, total_quantity = excluded.total_quantity, observed_at = excluded.observed_at
     where (p.sale_date, p.observed_at) <= (excluded.sale_date, excluded.observed_at)`,
    [JSON.stringify(rows)],
  );
}
