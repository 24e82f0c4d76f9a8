import type { EntityManager } from '@mikro-orm/core';
import { preparedQuery } from '@marketbill/platform';
import type { AuctionCategory } from '@marketbill/schemas';
import { pgArray, tableOf } from './sql';

/** A variety as lists show it. */
export interface VarietySummary {
  id: string;
  itemId: string;
  itemName: string;
  name: string;
  category: AuctionCategory;
  colour: string | null;
  imageUrls: string[];
  lastAuctionDate: string | null;
  latestAvgPrice: number | null;
}

export interface ItemSummary {
  id: string;
  category: AuctionCategory;
  name: string;
  imageUrl: string | null;
  varietyCount: number;
}

export interface PriceRow {
  grade: string;
  saleDate: string;
  minPrice: number;
  avgPrice: number;
  maxPrice: number;
  totalQuantity: number;
  totalAmount: number;
}

export type VarietySort = 'name' | '-lastAuctionDate' | 'latestAvgPrice' | '-latestAvgPrice';

export interface VarietyFilter {
  search?: { mode: 'plain' | 'chosung'; text: string; grams: string[] };
  itemId?: string;
  category?: AuctionCategory;
  buyableFrom?: string;
  buyableTo?: string;
}

interface VarietyRecord {
  id: string;
  item_id: string;
  item_name: string;
  name: string;
  category: AuctionCategory;
  colour: string | null;
  image_urls: string[];
  last_auction_date: string | null;
  latest_avg_price: string | null;
  total?: string;
}

const VARIETY_COLUMNS = `v.id, v.item_id, v.item_name, v.name, v.category, v.colour, v.image_urls,
  to_char(v.last_auction_date, 'YYYY-MM-DD') as last_auction_date, v.latest_avg_price`;

function toSummary(r: VarietyRecord): VarietySummary {
  return {
    id: r.id,
    itemId: r.item_id,
    itemName: r.item_name,
    name: r.name,
    category: r.category,
    colour: r.colour,
    imageUrls: r.image_urls ?? [],
    lastAuctionDate: r.last_auction_date,
    latestAvgPrice: r.latest_avg_price === null ? null : Number(r.latest_avg_price),
  };
}

const ORDER_BY: Record<VarietySort, string> = {
  name: 'v.name, v.item_name, v.id',
  '-lastAuctionDate': 'v.last_auction_date desc nulls last, v.name, v.id',
  latestAvgPrice: 'v.latest_avg_price nulls last, v.name, v.id',
  '-latestAvgPrice': 'v.latest_avg_price desc nulls last, v.name, v.id',
};

/**
 * Varieties matching a filter, one page, with the total. Only the conditions given are put in the
 * SQL (no `$1 is null or …`), so the planner sees each query's real shape; each shape is one
 * prepared statement (a handful in all), parsed once per connection. A keyword first narrows by the
 * GIN gram index, then checks the substring on the item or variety name (or their 초성).
 *
 * "Buyable in a window" reads the variety's own last auction day first: it is the latest day of its
 * price points (the summary only ever moves forward), so a variety last auctioned inside the window
 * is buyable and one last auctioned before it is not, with no look at the price history. Only a
 * variety auctioned again after the window's end needs the price-point index probe. A window that
 * ends today — what the app asks — never probes; before, every keyword match probed the history,
 * which after a large import (pages not yet vacuumed) made the tail latency jump.
 */
export async function findVarieties(em: EntityManager, filter: VarietyFilter, sort: VarietySort, page: number, size: number): Promise<{ items: VarietySummary[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown, cast = '') => {
    params.push(value);
    return `$${params.length}${cast}`;
  };
  if (filter.search) {
    const [a, b] = filter.search.mode === 'chosung' ? ['v.chosung_item', 'v.chosung_name'] : ['v.search_item', 'v.search_name'];
    const text = param(filter.search.text, '::text');
    where.push(`v.search_grams @> ${param(filter.search.grams, '::text[]')} and (strpos(${a}, ${text}) > 0 or strpos(${b}, ${text}) > 0)`);
  }
  if (filter.itemId) where.push(`v.item_id = ${param(filter.itemId, '::uuid')}`);
  if (filter.category) where.push(`v.category = ${param(filter.category, '::text')}`);
  if (filter.buyableFrom || filter.buyableTo) {
    const from = filter.buyableFrom ? param(filter.buyableFrom, '::date') : undefined;
    const to = filter.buyableTo ? param(filter.buyableTo, '::date') : undefined;
    const window = [from ? `p.sale_date >= ${from}` : undefined, to ? `p.sale_date <= ${to}` : undefined].filter(Boolean).join(' and ');
    const probe = `exists (select 1 from ${tableOf(em, 'price_point')} p where p.variety_id = v.id and ${window})`;
    where.push(from ? `v.last_auction_date >= ${from}` : 'v.last_auction_date is not null');
    if (to) where.push(`(v.last_auction_date <= ${to} or ${probe})`);
  }
  const whereSql = where.length > 0 ? `where ${where.join(' and ')}` : '';
  const filterParams = [...params];
  const rows = await preparedQuery<VarietyRecord>(
    em,
    `select ${VARIETY_COLUMNS}, count(*) over () as total from ${tableOf(em, 'variety')} v ${whereSql}
      order by ${ORDER_BY[sort]} limit ${param(size, '::int')} offset ${param(page * size, '::int')}`,
    params,
  );
  let total = rows.length > 0 ? Number(rows[0]?.total) : 0;
  if (rows.length === 0 && page > 0) {
    // Past the last page the window count has no row to ride on.
    const [count] = await preparedQuery<{ n: string }>(em, `select count(*) as n from ${tableOf(em, 'variety')} v ${whereSql}`, filterParams);
    total = Number(count?.n ?? 0);
  }
  return { items: rows.map(toSummary), total };
}

/** Varieties by id (unknown ids are absent), in the order asked. */
export async function findVarietiesByIds(em: EntityManager, ids: string[]): Promise<VarietySummary[]> {
  if (ids.length === 0) return [];
  const rows = await em.getConnection().execute<VarietyRecord[]>(
    `select ${VARIETY_COLUMNS} from ${tableOf(em, 'variety')} v where v.id = any(?::uuid[])`,
    [pgArray(ids)],
  );
  const byId = new Map<string, VarietySummary>(rows.map((r: VarietyRecord) => [r.id, toSummary(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function findVariety(em: EntityManager, id: string): Promise<VarietySummary | undefined> {
  return (await findVarietiesByIds(em, [id]))[0];
}

/** For each grade of a variety, its latest two auction days (newest first). */
export async function latestTwoDaysPerGrade(em: EntityManager, varietyId: string): Promise<PriceRow[]> {
  const t = tableOf(em, 'price_point');
  const rows = await em.getConnection().execute<Array<Record<string, string>>>(
    `select g.grade, l.sale_date, l.min_price, l.avg_price, l.max_price, l.total_quantity, l.total_amount
       from (select distinct grade from ${t} where variety_id = ?) g
       cross join lateral (
         select to_char(sale_date, 'YYYY-MM-DD') as sale_date, min_price, avg_price, max_price, total_quantity, total_amount
           from ${t} where variety_id = ? and grade = g.grade order by sale_date desc limit 2
       ) l
      order by g.grade, l.sale_date desc`,
    [varietyId, varietyId],
  );
  return rows.map(toPriceRow);
}

function toPriceRow(r: Record<string, string>): PriceRow {
  return {
    grade: r.grade as string,
    saleDate: r.sale_date as string,
    minPrice: Number(r.min_price),
    avgPrice: Number(r.avg_price),
    maxPrice: Number(r.max_price),
    totalQuantity: Number(r.total_quantity),
    totalAmount: Number(r.total_amount),
  };
}

/** A variety's prices in one grade over a window, by day. */
export async function priceSeries(em: EntityManager, varietyId: string, grade: string, from: string, to: string): Promise<PriceRow[]> {
  const rows = await em.getConnection().execute<Array<Record<string, string>>>(
    `select grade, to_char(sale_date, 'YYYY-MM-DD') as sale_date, min_price, avg_price, max_price, total_quantity, total_amount
       from ${tableOf(em, 'price_point')}
      where variety_id = ? and grade = ? and sale_date between ?::date and ?::date
      order by sale_date`,
    [varietyId, grade, from, to],
  );
  return rows.map(toPriceRow);
}

/**
 * Items with their variety counts. Items are few (hundreds), so a name filter scans them; the
 * varieties' index answers the counts.
 */
export async function findItems(
  em: EntityManager,
  filter: { category?: AuctionCategory; search?: { mode: 'plain' | 'chosung'; text: string } },
  page: number,
  size: number,
): Promise<{ items: ItemSummary[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.category) {
    where.push('i.category = ?');
    params.push(filter.category);
  }
  if (filter.search) {
    where.push(`strpos(${filter.search.mode === 'chosung' ? 'i.chosung_name' : 'i.search_name'}, ?) > 0`);
    params.push(filter.search.text);
  }
  const whereSql = where.length > 0 ? `where ${where.join(' and ')}` : '';
  const rows = await em.getConnection().execute<Array<Record<string, string | null>>>(
    `select i.id, i.category, i.name, i.image_url,
            (select count(*) from ${tableOf(em, 'variety')} v where v.item_id = i.id) as variety_count,
            count(*) over () as total
       from ${tableOf(em, 'item')} i ${whereSql}
      order by i.category, i.name, i.id limit ? offset ?`,
    [...params, size, page * size],
  );
  let total = rows.length > 0 ? Number(rows[0]?.total) : 0;
  if (rows.length === 0 && page > 0) {
    const [count] = await em.getConnection().execute<Array<{ n: string }>>(`select count(*) as n from ${tableOf(em, 'item')} i ${whereSql}`, params);
    total = Number(count?.n ?? 0);
  }
  return {
    items: rows.map((r: Record<string, string | null>) => ({
      id: r.id as string,
      category: r.category as AuctionCategory,
      name: r.name as string,
      imageUrl: r.image_url ?? null,
      varietyCount: Number(r.variety_count),
    })),
    total,
  };
}

export async function findItem(em: EntityManager, id: string): Promise<ItemSummary | undefined> {
  const rows = await em.getConnection().execute<Array<Record<string, string | null>>>(
    `select i.id, i.category, i.name, i.image_url, (select count(*) from ${tableOf(em, 'variety')} v where v.item_id = i.id) as variety_count
       from ${tableOf(em, 'item')} i where i.id = ?`,
    [id],
  );
  const r = rows[0];
  return r
    ? { id: r.id as string, category: r.category as AuctionCategory, name: r.name as string, imageUrl: r.image_url ?? null, varietyCount: Number(r.variety_count) }
    : undefined;
}

/** Up to `limit` (item, variety) name pairs picked at random (the catalog's warm-up searches for them; once per start). */
export async function sampleVarietyNames(em: EntityManager, limit: number): Promise<Array<{ item: string; name: string }>> {
  const rows = await em.getConnection().execute<Array<{ item_name: string; name: string }>>(`select item_name, name from ${tableOf(em, 'variety')} order by random() limit ?`, [limit]);
  return rows.map((r: { item_name: string; name: string }) => ({ item: r.item_name, name: r.name }));
}
