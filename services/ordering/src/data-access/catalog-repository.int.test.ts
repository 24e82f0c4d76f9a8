import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createOrm, migrate, type Orm } from '@marketbill/platform';
import { messagingMigrations, OutboxMessageSchema } from '@marketbill/messaging';
import { dropSchema, query, serviceDatabase, stackEnv, uniqueName } from '@marketbill/testing';
import { upsertAuctionPrice, upsertAuctionPrices, type AuctionPriceFact } from './catalog-repository';
import { entities } from './entities';
import { migrations } from './migrations';

jest.setTimeout(60_000);
const env = stackEnv();
const schemas = { one: uniqueName('ord_one'), chunks: uniqueName('ord_chunks'), whole: uniqueName('ord_whole') };
const orms: Record<keyof typeof schemas, Orm> = {} as never;

beforeAll(async () => {
  for (const [key, schema] of Object.entries(schemas) as Array<[keyof typeof schemas, string]>) {
    const { url } = await serviceDatabase(env.DATABASE_URL, 'ordering', schema);
    orms[key] = await createOrm({ url, schema, entities: [OutboxMessageSchema, ...entities], migrations: [...messagingMigrations, ...migrations] });
    await migrate(orms[key], url);
  }
});

afterAll(async () => {
  for (const [key, schema] of Object.entries(schemas) as Array<[keyof typeof schemas, string]>) {
    await orms[key]?.close();
    await dropSchema(env.DATABASE_URL, schema);
  }
});

/** Days of trading with corrections, ties, late and repeated events and a renamed variety. */
function history(): AuctionPriceFact[] {
  const rose = randomUUID();
  const varieties = [
    { itemId: rose, item: '장미', varietyId: randomUUID(), variety: '레드나오미' },
    { itemId: rose, item: '장미', varietyId: randomUUID(), variety: '비탈' },
    { itemId: randomUUID(), item: '튤립', varietyId: randomUUID(), variety: '퍼플프린스' },
  ];
  const out: AuctionPriceFact[] = [];
  let clock = 1_764_000_000_000;
  for (const saleDate of ['2026-11-23', '2026-11-24', '2026-11-25']) {
    for (const v of varieties) {
      for (const [g, grade] of ['특1', '상', '보통'].entries()) {
        const avgPrice = 10_000 - g * 2_000 + Number(saleDate.slice(8)) * 10;
        out.push({ ...v, category: 'CUT_FLOWER', grade, saleDate, minPrice: avgPrice - 1_000, avgPrice, maxPrice: avgPrice + 1_000, totalQuantity: 10 + g, occurredAt: clock++ });
      }
    }
  }
  const last = (i: number) => out[out.length - i] as AuctionPriceFact;
  // A correction of the newest day, then a late copy of the original (older observation).
  const corrected = last(2);
  out.push({ ...corrected, avgPrice: 1, totalQuantity: 50, occurredAt: clock++ });
  out.push({ ...corrected });
  // Two observations at the same instant: one by one, the later one wins.
  const tie = clock++;
  out.push({ ...last(5), avgPrice: 7, occurredAt: tie }, { ...last(5), avgPrice: 8, occurredAt: tie });
  // An older sale day after newer ones, observed later: the newer day's price stays.
  out.push({ ...(out[0] as AuctionPriceFact), saleDate: '2026-11-20', avgPrice: 3, occurredAt: clock++ });
  // The variety renamed by a later event, then a late event with the old name.
  const renamed = out[1] as AuctionPriceFact;
  out.push({ ...renamed, variety: '레드 나오미', occurredAt: clock }, { ...renamed, occurredAt: renamed.occurredAt - 1 });
  // An exact repeat of the latest state.
  out.push({ ...last(1) });
  return out;
}

async function tables(schema: string) {
  return {
    varieties: await query(env.DATABASE_URL, `select id, item_id, category, item_name, variety_name, updated_at from "${schema}".catalog_varieties order by id`),
    prices: await query(
      env.DATABASE_URL,
      `select variety_id, auction_grade, sale_date, min_price, avg_price, max_price, total_quantity, observed_at from "${schema}".auction_prices order by variety_id, auction_grade`,
    ),
  };
}

describe('the catalog read model in chunks', () => {
  it('When the same history is applied one by one, in chunks and as one chunk, then varieties and prices come out identical', async () => {
    const facts = history();
    for (const fact of facts) await orms.one.em.fork().transactional((em) => upsertAuctionPrice(em, fact));
    for (let i = 0; i < facts.length; i += 7) await orms.chunks.em.fork().transactional((em) => upsertAuctionPrices(em, facts.slice(i, i + 7)));
    await orms.whole.em.fork().transactional((em) => upsertAuctionPrices(em, facts));
    const one = await tables(schemas.one);
    expect(await tables(schemas.chunks)).toEqual(one);
    expect(await tables(schemas.whole)).toEqual(one);
    // The history's special cases, as one by one applied them.
    expect(one.varieties).toHaveLength(3);
    expect(one.prices).toHaveLength(9);
    expect(one.varieties.map((v) => v.variety_name)).toContain('레드 나오미');
    const avg = one.prices.map((p) => Number(p.avg_price));
    expect(avg).toEqual(expect.arrayContaining([1, 8]));
    expect(avg).not.toContain(7);
    expect(avg).not.toContain(3);
    expect(new Set(one.prices.map((p) => p.sale_date))).toEqual(new Set(['2026-11-25']));
  });
});
