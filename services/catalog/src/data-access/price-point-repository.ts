import type { EntityManager } from '@mikro-orm/core';
import { createBoundedMemo, preparedQuery } from '@marketbill/platform';
import type { AuctionPrice } from '../domain/auction-price';
import { chosungOf, normalizeSearchText, searchGramsOf } from '../domain/search-text';
import { pgArray, tableOf } from './sql';


// The two rules both statements below share, written once so the per-event and the set-based
// statement cannot drift apart:
/** A stored price point is replaced only by a newer state of it, by (revision, occurredAt). */
const NEWER_PRICE_POINT_WINS = `on conflict (variety_id, sale_date, grade) do update set
         min_price = excluded.min_price, avg_price = excluded.avg_price, max_price = excluded.max_price,
         total_amount = excluded.total_amount, total_quantity = excluded.total_quantity,
         revision = excluded.revision, occurred_at = excluded.occurred_at, event_id = excluded.event_id
       where (p.revision, p.occurred_at) < (excluded.revision, excluded.occurred_at)
       returning variety_id, sale_date, grade, total_amount, total_quantity`;

/** A variety's summary follows its latest auction day, never an older one. */
const LATEST_DAY_SETS_SUMMARY = `on conflict (id) do update set
       last_auction_date = excluded.last_auction_date, latest_avg_price = excluded.latest_avg_price, updated_at = now()
     where v.last_auction_date is null or v.last_auction_date <= excluded.last_auction_date`;

/** A variety's searchable forms (normal form, 초성, index grams): derived from its names alone. */
interface VarietyNames {
  item_search: string;
  item_chosung: string;
  variety_search: string;
  variety_chosung: string;
  grams: string[];
}

// The same few thousand varieties arrive day after day: their search forms are derived once per
// process (bounded, like auction-ingest's id memo) instead of once per event — it was a tenth of
// the consumer's CPU in a backfill. Both statements below take them from here, so the per-event
// path (a replayed chunk) cannot store a variety's search forms differently from the chunked one.
const namesMemo = createBoundedMemo(50_000, (key: string): VarietyNames => {
  const [itemName, varietyName] = key.split('\u0000') as [string, string];
  return {
    item_search: normalizeSearchText(itemName),
    item_chosung: chosungOf(itemName),
    variety_search: normalizeSearchText(varietyName),
    variety_chosung: chosungOf(varietyName),
    grams: searchGramsOf(itemName, varietyName),
  };
});
function varietyNamesOf(itemName: string, varietyName: string): VarietyNames {
  // NUL joins the two: no stored name holds one (Postgres text refuses it, so the statement that
  // writes the name would fail anyway), hence the key splits back into the same two names.
  return namesMemo.get(`${itemName}\u0000${varietyName}`);
}

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
  const names = varietyNamesOf(p.itemName, p.varietyName);
  await em.getConnection().execute(
    `with it as (
       insert into ${item} (id, category, name, search_name, chosung_name) values (?, ?, ?, ?, ?)
       on conflict (id) do nothing
     ), pp as (
       insert into ${pricePoint} as p (variety_id, sale_date, grade, min_price, avg_price, max_price, total_amount, total_quantity, revision, occurred_at, event_id)
       values (?, ?::date, ?, ?, ?, ?, ?, ?, ?, to_timestamp(?::double precision / 1000), ?)
       ${NEWER_PRICE_POINT_WINS}
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
     ${LATEST_DAY_SETS_SUMMARY}`,
    [
      p.itemId, p.category, p.itemName, names.item_search, names.item_chosung,
      p.varietyId, p.saleDate, p.grade, p.minPrice, p.avgPrice, p.maxPrice, p.totalAmount, p.totalQuantity, p.revision, p.occurredAt, p.eventId,
      p.varietyId, p.itemId, p.category, p.itemName, p.varietyName,
      names.item_search, names.variety_search, names.item_chosung, names.variety_chosung,
      pgArray(names.grams),
    ],
    'run',
    em.getTransactionContext(),
  );
}

/**
 * The set-based twin of {@link applyAuctionPrice}, for a chunk of events handled in one transaction:
 * one statement whatever the chunk's size. Same effect as applying the prices one by one in order:
 * - per price point, only the newest incoming state by (revision, occurredAt) is offered (one
 *   INSERT … ON CONFLICT may not touch a row twice), and it replaces the stored one only if newer;
 * - per variety, the summary is recomputed for the latest day that received a new figure, from
 *   that day's new figures plus its other stored grades (the statement sees the stored rows as they
 *   were before it, so the replaced grades are taken from the insert's result instead);
 * - items, price points and varieties are written in key order, so two chunks that share an item
 *   (different partitions) lock in the same order instead of deadlocking.
 * The chunk travels as two JSON parameters of a prepared statement (platform's `preparedQuery`):
 * the price points, and each variety of the chunk once with its names and search forms. Through
 * the ORM's `execute` the JSON was escaped into the SQL text on every call (`escapeLiteral` and
 * the tracer's parsing of that text were a sixth of the consumer's CPU) and Postgres parsed and
 * planned a 60 kB text per chunk.
 */
export async function applyAuctionPrices(em: EntityManager, prices: AuctionPrice[]): Promise<void> {
  const newest = new Map<string, AuctionPrice>();
  for (const p of prices) {
    const key = `${p.varietyId}|${p.saleDate}|${p.grade}`;
    const held = newest.get(key);
    if (!held || held.revision < p.revision || (held.revision === p.revision && held.occurredAt < p.occurredAt)) newest.set(key, p);
  }
  if (newest.size === 0) return;
  const points: unknown[] = [];
  const varieties = new Map<string, unknown>();
  for (const p of newest.values()) {
    points.push({
      variety_id: p.varietyId,
      sale_date: p.saleDate,
      grade: p.grade,
      min_price: p.minPrice,
      avg_price: p.avgPrice,
      max_price: p.maxPrice,
      total_amount: p.totalAmount,
      total_quantity: p.totalQuantity,
      revision: p.revision,
      occurred_ms: p.occurredAt,
      event_id: p.eventId,
    });
    if (!varieties.has(p.varietyId)) {
      varieties.set(p.varietyId, { variety_id: p.varietyId, item_id: p.itemId, category: p.category, item_name: p.itemName, variety_name: p.varietyName, ...varietyNamesOf(p.itemName, p.varietyName) });
    }
  }
  const item = tableOf(em, 'item');
  const variety = tableOf(em, 'variety');
  const pricePoint = tableOf(em, 'price_point');
  await preparedQuery(
    em,
    `with input as (
       select * from jsonb_to_recordset($1::jsonb) as r(
         variety_id uuid, sale_date date, grade text, min_price bigint, avg_price bigint, max_price bigint,
         total_amount bigint, total_quantity bigint, revision int, occurred_ms double precision, event_id uuid)
     ), names as (
       select * from jsonb_to_recordset($2::jsonb) as n(
         variety_id uuid, item_id uuid, category text, item_name text, item_search text, item_chosung text,
         variety_name text, variety_search text, variety_chosung text, grams text[])
     ), it as (
       insert into ${item} (id, category, name, search_name, chosung_name)
       select distinct on (item_id) item_id, category, item_name, item_search, item_chosung from names order by item_id
       on conflict (id) do nothing
     ), pp as (
       insert into ${pricePoint} as p (variety_id, sale_date, grade, min_price, avg_price, max_price, total_amount, total_quantity, revision, occurred_at, event_id)
       select variety_id, sale_date, grade, min_price, avg_price, max_price, total_amount, total_quantity, revision,
              to_timestamp(occurred_ms / 1000), event_id
         from input order by variety_id, sale_date, grade
       ${NEWER_PRICE_POINT_WINS}
     ), touched as (
       select distinct on (variety_id) variety_id, sale_date from pp order by variety_id, sale_date desc
     ), day as (
       select t.variety_id, t.sale_date, sum(g.total_amount) as amount, sum(g.total_quantity) as quantity
         from touched t
         cross join lateral (
           select pp.total_amount, pp.total_quantity from pp where pp.variety_id = t.variety_id and pp.sale_date = t.sale_date
           union all
           select o.total_amount, o.total_quantity from ${pricePoint} o
            where o.variety_id = t.variety_id and o.sale_date = t.sale_date
              and not exists (select 1 from pp where pp.variety_id = o.variety_id and pp.sale_date = o.sale_date and pp.grade = o.grade)
         ) g
        group by t.variety_id, t.sale_date
     )
     insert into ${variety} as v (id, item_id, category, item_name, name, search_item, search_name, chosung_item, chosung_name, search_grams, last_auction_date, latest_avg_price)
     select i.variety_id, i.item_id, i.category, i.item_name, i.variety_name, i.item_search, i.variety_search, i.item_chosung, i.variety_chosung, i.grams,
            day.sale_date, case when day.quantity > 0 then round(day.amount::numeric / day.quantity)::bigint end
       from names i
       join day on day.variety_id = i.variety_id
      order by i.variety_id
     ${LATEST_DAY_SETS_SUMMARY}`,
    [JSON.stringify(points), JSON.stringify([...varieties.values()])],
  );
}
