import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createLogger, createOrm, migrate, type Orm } from '@marketbill/platform';
import { messagingMigrations, OutboxMessageSchema } from '@marketbill/messaging';
import type { AuctionPriceUpdated } from '@marketbill/schemas';
import { dropSchema, query, serviceDatabase, stackEnv, uniqueName } from '@marketbill/testing';
import { CATEGORIES } from '../domain/auction-category';
import { varietyIdOf } from '../domain/stable-ids';
import { createAtApiClient } from '../clients/at-api-client';
import { entities } from '../data-access/entities';
import { migrations } from '../data-access/migrations';
import { atItems, startFakeAtApi, type FakeAtApi } from '../test-support/fake-at-api';
import { importAuctionDay, type ImportDeps } from './import-auction-day';
import { backfillAuctionDays } from './backfill-auction-days';
import { importRecentDays } from './import-recent-days';

const env = stackEnv();
const logger = createLogger({ service: 'auction-ingest-test', level: 'silent' });
const cut = CATEGORIES[0]!;
let schema: string;
let orm: Orm;
let api: FakeAtApi;
let deps: ImportDeps;

beforeEach(async () => {
  schema = uniqueName('ingest');
  const { url } = await serviceDatabase(env.DATABASE_URL, 'auction-ingest', schema);
  orm = await createOrm({ url, schema, entities: [OutboxMessageSchema, ...entities], migrations: [...messagingMigrations, ...migrations] });
  await migrate(orm, url);
  api = await startFakeAtApi({ serviceKey: 'k' });
  const source = createAtApiClient({ source: 'AT_API', url: api.url, serviceKey: 'k', pageSize: 50, attempts: 2, initialRetryDelayMs: 5, minIntervalMs: 0, logger });
  deps = { orm, source, logger };
});

afterEach(async () => {
  await api.close();
  await orm.close();
  await dropSchema(env.DATABASE_URL, schema);
});

const outbox = () => query<{ message_key: string; payload: AuctionPriceUpdated }>(env.DATABASE_URL, `select message_key, payload from "${schema}".outbox order by id`);
const runs = () => query<Record<string, unknown>>(env.DATABASE_URL, `select status, trigger, rows_read, rows_new, rows_changed, rows_unchanged, rows_failed, rows_merged, errors from "${schema}".import_run order by id`);

describe('importAuctionDay', () => {
  it('When a day is imported, then every row is stored and published once, keyed by its variety, with stable ids', async () => {
    api.days.set('2026-11-24|1', atItems('2026-11-24', 120));
    const result = await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'backfill' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', pages: 3, rowsRead: 120, rowsNew: 120, rowsChanged: 0 });
    const events = await outbox();
    expect(events).toHaveLength(120);
    const first = events.find((e) => e.payload.variety === '품종0')!;
    expect(first.message_key).toBe('CUT_FLOWER|장미|품종0');
    expect(first.payload).toMatchObject({ change: 'NEW', revision: 1, source: 'AT_API', varietyId: varietyIdOf('CUT_FLOWER', '장미', '품종0'), avgPrice: 9000, totalQuantity: 10 });
    expect((await query(env.DATABASE_URL, `select count(*)::int as n from "${schema}".auction_row`))[0]).toEqual({ n: 120 });
  });

  it('When the same day is imported again, then nothing changes and nothing is published', async () => {
    api.days.set('2026-11-24|1', atItems('2026-11-24', 30));
    await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'backfill' });
    const again = await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'schedule' });
    expect(again).toMatchObject({ status: 'SUCCEEDED', rowsNew: 0, rowsChanged: 0, rowsUnchanged: 30 });
    expect(await outbox()).toHaveLength(30);
    expect((await query(env.DATABASE_URL, `select count(*)::int as n, max(revision) as r from "${schema}".auction_row`))[0]).toEqual({ n: 30, r: 1 });
  });

  it('When the auction corrected a row, then it is updated in place and published as CHANGED with a new revision and event id', async () => {
    api.days.set('2026-11-24|1', atItems('2026-11-24', 3));
    await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'backfill' });
    api.days.set('2026-11-24|1', atItems('2026-11-24', 3, (i) => (i === 1 ? { avgAmt: '9999', totAmt: '99990' } : {})));
    const result = await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'schedule' });
    expect(result).toMatchObject({ rowsNew: 0, rowsChanged: 1, rowsUnchanged: 2 });
    const events = await outbox();
    expect(events).toHaveLength(4);
    const changed = events[3]!.payload;
    expect(changed).toMatchObject({ variety: '품종1', change: 'CHANGED', revision: 2, avgPrice: 9999, totalAmount: 99990 });
    expect(changed.eventId).not.toBe(events.find((e) => e.payload.variety === '품종1')!.payload.eventId);
    expect((await query(env.DATABASE_URL, `select count(*)::int as n from "${schema}".auction_row`))[0]).toEqual({ n: 3 });
  });

  it('When some rows carry malformed numbers, then they are counted and logged, and the others are imported', async () => {
    api.days.set('2026-11-24|1', atItems('2026-11-24', 5, (i) => (i === 2 ? { totQty: '1O' } : i === 3 ? { minAmt: '' } : {})));
    const result = await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'backfill' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', rowsRead: 5, rowsNew: 3, rowsFailed: 2 });
    const [run] = await runs();
    expect(run?.errors).toEqual([
      { index: 2, reason: expect.stringContaining('totQty') },
      { index: 3, reason: expect.stringContaining('minAmt') },
    ]);
  });

  it('When the answer repeats a natural key, then the duplicates are merged into one row', async () => {
    api.days.set('2026-11-24|1', atItems('2026-11-24', 3, () => ({ goodName: '비탈' })).map((item, i) => ({ ...item, pumName: '장미', totQty: String(i + 1) })));
    const result = await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'backfill' });
    expect(result).toMatchObject({ rowsRead: 3, rowsNew: 1, rowsMerged: 2 });
    expect((await query(env.DATABASE_URL, `select total_quantity::int as q from "${schema}".auction_row`))[0]).toEqual({ q: 6 });
  });

  it('When the API answers a resultCd error, then the run is recorded as FAILED with the reason and nothing is published', async () => {
    api.script.push({ kind: 'result', resultCd: '99', resultMsg: 'SYSTEM ERROR' });
    const result = await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'schedule' });
    expect(result).toMatchObject({ status: 'FAILED', error: expect.stringContaining('resultCd 99') });
    expect(await runs()).toEqual([expect.objectContaining({ status: 'FAILED', errors: [{ reason: expect.stringContaining('SYSTEM ERROR') }] })]);
    expect(await outbox()).toHaveLength(0);
  });
});

describe('backfillAuctionDays', () => {
  it('When a backfill is run again, then day × category pairs already imported are skipped unless forced', async () => {
    for (const day of ['2026-11-23', '2026-11-24']) api.days.set(`${day}|1`, atItems(day, 4));
    api.script.push({ kind: 'result', resultCd: '99', resultMsg: 'SYSTEM ERROR' });
    const input = { from: '2026-11-23', to: '2026-11-24', categories: [cut, CATEGORIES[1]!], force: false, concurrency: 1 };
    const first = await backfillAuctionDays(deps, input);
    expect(first).toMatchObject({ total: 4, skipped: 0, failed: 1 });
    const second = await backfillAuctionDays(deps, input);
    expect(second).toMatchObject({ total: 4, skipped: 3, failed: 0, rowsPublished: 4 });
    const forced = await backfillAuctionDays(deps, { ...input, force: true });
    expect(forced).toMatchObject({ skipped: 0, failed: 0, rowsRead: 8, rowsPublished: 0 });
  });
});

describe('importRecentDays', () => {
  it('When the schedule runs, then missing days of the window are imported and the most recent days are re-imported even if done', async () => {
    // 2026-11-25 10:30 in Seoul: the window is 11-23 … 11-25, the refresh 11-24 … 11-25.
    const now = new Date('2026-11-25T01:30:00Z');
    api.days.set('2026-11-23|1', atItems('2026-11-23', 2));
    const first = await importRecentDays(deps, { windowDays: 3, refreshDays: 2, trigger: 'schedule', concurrency: 2, now });
    expect(first).toMatchObject({ total: 12, skipped: 0, failed: 0, rowsPublished: 2 });
    const second = await importRecentDays(deps, { windowDays: 3, refreshDays: 2, trigger: 'schedule', concurrency: 2, now });
    expect(second).toMatchObject({ total: 12, skipped: 4, failed: 0, rowsPublished: 0 });
    expect(second.results.map((r) => r.saleDate).every((d) => d >= '2026-11-24')).toBe(true);
  });
});
