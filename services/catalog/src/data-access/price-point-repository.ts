import type { EntityManager } from '@mikro-orm/core';
import type { AuctionPrice } from '../domain/auction-price';
import { chosungOf, normalizeSearchText, searchGramsOf } from '../domain/search-text';
import { pgArray, tableOf } from './sql-fragments';

/**
 * Applies one auction price in a single statement (one round trip inside the consumer's
 * transaction, which matters at backfill rates):
 * 1. the item is created if new (curated fields are never touched by events);
 * 2. the price point (variety × day × grade) is inserted, or replaced only when the incoming state
 *    is newer by (revision, occurredAt) — a late, older event changes nothing;
 * 3. the variety is created if new, and its summary (last auction day, that day's average over all
 *    grades weighted by quantity) is recomputed when the applied day is its latest. The other
 *    grades of the day are read from the statement's snapshot and this grade from step 2's result,
 *    since a statement does not see its own CTE's writes.
 * The price point's foreign key to the variety inserted in the same statement holds: Postgres
 * checks it at the end of the statement.
 */
export async function applyAuctionPrice(em: EntityManager, p: AuctionPrice): Promise<void> {
  const item = tableOf(em, 'item');
  const variety = tableOf(em, 'variety');
  const pricePoint = tableOf(em, 'price_point');
  await em.getConnection().execute(
    `with it as (
       insert into ${item} (id, category, name, search_name, chosung_name) values (?, ?, ?, ?, ?)
       on conflict (id) do nothing
     ), pp as (
       insert into ${pricePoint} as p (variety_id, sale_date, grade, min_price, avg_price, max_price, total_amount, total_quantity, revision, occurred_at, event_id)
       values (?, ?::date, ?, ?, ?, ?, ?, ?, ?, to_timestamp(?::double precision / 1000), ?)
       on conflict (variety_id, sale_date, grade) do update set
         min_price = excluded.min_price, avg_price = excluded.avg_price, max_price = excluded.max_price,
         total_amount = excluded.total_amount, total_quantity = excluded.total_quantity,
         revision = excluded.revision, occurred_at = excluded.occurred_at, event_id = excluded.event_id
       where (p.revision, p.occurred_at) < (excluded.revision, excluded.occurred_at)
       returning variety_id, sale_date, grade, total_amount, total_quantity
     ), day as (
       select pp.sale_date,
              pp.total_amount + coalesce(sum(o.total_amount), 0) as amount,
              pp.total_quantity + coalesce(sum(o.total_quantity), 0) as quantity
         from pp left join ${pricePoint} o on o.variety_id = pp.variety_id and o.sale_date = pp.sale_date and o.grade <> pp.grade
        group by pp.sale_date, pp.total_amount, pp.total_quantity
     )
     insert into ${variety} as v (id, item_id, category, item_name, name, search_item, search_name, chosung_item, chosung_name, search_grams, last_auction_date, latest_avg_price)
     select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text[], day.sale_date,
            case when day.quantity > 0 then round(day.amount::numeric / day.quantity)::bigint end
       from day
     on conflict (id) do update set
       last_auction_date = excluded.last_auction_date, latest_avg_price = excluded.latest_avg_price, updated_at = now()
     where v.last_auction_date is null or v.last_auction_date <= excluded.last_auction_date`,
    [
      p.itemId, p.category, p.itemName, normalizeSearchText(p.itemName), chosungOf(p.itemName),
      p.varietyId, p.saleDate, p.grade, p.minPrice, p.avgPrice, p.maxPrice, p.totalAmount, p.totalQuantity, p.revision, p.occurredAt, p.eventId,
      p.varietyId, p.itemId, p.category, p.itemName, p.varietyName,
      normalizeSearchText(p.itemName), normalizeSearchText(p.varietyName), chosungOf(p.itemName), chosungOf(p.varietyName),
      pgArray(searchGramsOf(p.itemName, p.varietyName)),
    ],
    'run',
    em.getTransactionContext(),
  );
}
