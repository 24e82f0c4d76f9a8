import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createOrm, migrate, type Orm } from '@marketbill/platform';
import { messagingMigrations, OutboxMessageSchema } from '@marketbill/messaging';
import { dropSchema, query, serviceDatabase, stackEnv, uniqueName } from '@marketbill/testing';
import type { AuctionPrice } from '../domain/auction-price';
import { entities } from './entities';
import { migrations } from './migrations';
import { applyAuctionPrice, applyAuctionPrices } from './price-point-repository';

jest.setTimeout(60_000);
const env = stackEnv();
const one = uniqueName('cat_one');
const many = uniqueName('cat_many');
const whole = uniqueName('cat_whole');
const orms: Orm[] = [];

async function open(schema: string): Promise<Orm> {
  const { url } = await serviceDatabase(env.DATABASE_URL, 'catalog', schema);
  const orm = await createOrm({ url, schema, entities: [OutboxMessageSchema, ...entities], migrations: [...messagingMigrations, ...migrations] });
  await migrate(orm, url);
  orms.push(orm);
  return orm;
}

beforeAll(async () => {
  await open(one);
  await open(many);
  await open(whole);
});

afterAll(async () => {
  for (const orm of orms) await orm.close();
  await dropSchema(env.DATABASE_URL, one);
  await dropSchema(env.DATABASE_URL, many);
  await dropSchema(env.DATABASE_URL, whole);
});

/** A day of trading with corrections, late and repeated events, several grades and days. */
function history(): AuctionPrice[] {
  // Names whose search forms differ from them (a space, capitals), so a path that stored a name
  // unnormalised, or one name's forms in the other's column, would not match the other paths.
  const rose = { itemId: randomUUID(), itemName: '장미' };
  const tulip = { itemId: randomUUID(), itemName: 'Tulip 튤립' };
  const varieties = [
    { ...rose, varietyId: randomUUID(), varietyName: '레드 나오미' },
    { ...rose, varietyId: randomUUID(), varietyName: 'Vital' },
    { ...tulip, varietyId: randomUUID(), varietyName: '퍼플프린스' },
  ];
  const out: AuctionPrice[] = [];
  let clock = 1_764_000_000_000;
  for (const day of ['2026-11-23', '2026-11-24', '2026-11-25']) {
    for (const v of varieties) {
      for (const [g, grade] of ['특1', '상', '보통'].entries()) {
        const avg = 10_000 - g * 2_000 + day.charCodeAt(9) * 10;
        out.push({ ...v, category: 'CUT_FLOWER', saleDate: day, grade, minPrice: avg - 1_000, avgPrice: avg, maxPrice: avg + 1_000, totalAmount: avg * (10 + g), totalQuantity: 10 + g, revision: 0, occurredAt: clock++, eventId: randomUUID() });
      }
    }
  }
  const v0 = varieties[0] as (typeof varieties)[number];
  // A correction of a middle day (revision 1), then a late copy of the original (revision 0).
  const corrected = out.find((p) => p.varietyId === v0.varietyId && p.saleDate === '2026-11-24' && p.grade === '상') as AuctionPrice;
  out.push({ ...corrected, avgPrice: 1, totalAmount: 50, totalQuantity: 50, revision: 1, occurredAt: clock++, eventId: randomUUID() });
  out.push({ ...corrected, occurredAt: clock++, eventId: randomUUID() });
  // An older day arriving after newer ones; a repeat of the latest state.
  out.push({ ...(out[0] as AuctionPrice), saleDate: '2026-11-20', eventId: randomUUID(), occurredAt: clock });
  out.push({ ...(out[out.length - 4] as AuctionPrice) });
  return out;
}

async function tables(schema: string) {
  return {
    // Every column the events write (the search forms too: the chunked path derives them once per variety).
    items: await query(env.DATABASE_URL, `select id, category, name, search_name, chosung_name from "${schema}".item order by id`),
    varieties: await query(
      env.DATABASE_URL,
      `select id, item_id, category, item_name, name, search_item, search_name, chosung_item, chosung_name, search_grams, last_auction_date, latest_avg_price
         from "${schema}".variety order by id`,
    ),
    points: await query(
      env.DATABASE_URL,
      `select variety_id, sale_date, grade, min_price, avg_price, max_price, total_amount, total_quantity, revision, occurred_at, event_id
         from "${schema}".price_point order by variety_id, sale_date, grade`,
    ),
  };
}

describe('applying auction prices in chunks', () => {
  it('When the same history is applied one by one, in chunks and as one chunk, then items, varieties and price points come out identical', async () => {
    const prices = history();
    const [ormOne, ormMany, ormWhole] = orms as [Orm, Orm, Orm];
    for (const p of prices) await ormOne.em.fork().transactional((em) => applyAuctionPrice(em, p));
    for (let i = 0; i < prices.length; i += 7) {
      const chunk = prices.slice(i, i + 7);
      await ormMany.em.fork().transactional((em) => applyAuctionPrices(em, chunk));
    }
    await ormWhole.em.fork().transactional((em) => applyAuctionPrices(em, prices));
    const a = await tables(one);
    const b = await tables(many);
    expect(b).toEqual(a);
    expect(await tables(whole)).toEqual(a);
    expect((a.varieties[0]?.search_grams as string[]).length).toBeGreaterThan(3);
    // The search forms are the names' normal forms and 초성, whichever path wrote them.
    expect(a.items.map((i) => [i.search_name, i.chosung_name]).sort()).toEqual([['tulip튤립', 'tulipㅌㄹ'], ['장미', 'ㅈㅁ']]);
    expect(a.varieties.map((v) => [v.search_item, v.search_name, v.chosung_item, v.chosung_name]).sort()).toEqual([
      ['tulip튤립', '퍼플프린스', 'tulipㅌㄹ', 'ㅍㅍㅍㄹㅅ'],
      ['장미', 'vital', 'ㅈㅁ', 'vital'],
      ['장미', '레드나오미', 'ㅈㅁ', 'ㄹㄷㄴㅇㅁ'],
    ]);
    expect(a.points.length).toBeGreaterThan(20);
    // The correction (revision 1) won over the late original.
    expect(a.points.some((p) => Number(p.avg_price) === 1 && p.revision === 1)).toBe(true);
  });
});
