import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createLogger, createOrm, migrate, type Orm } from '@marketbill/platform';
import { startTelemetry } from '@marketbill/platform/telemetry';
import { avroTypeOf, messagingMigrations, OutboxMessageSchema } from '@marketbill/messaging';
import { TOPICS, type AuctionPriceUpdated } from '@marketbill/schemas';
import { dropSchema, query, serviceDatabase, stackEnv, uniqueName } from '@marketbill/testing';
import { CATEGORIES } from '../domain/auction-category';
import { varietyIdOf } from '../domain/stable-ids';
import { createAtApiClient } from '../clients/at-api-client';
import { createCallBudget } from './create-call-budget';
import { entities } from '../data-access/entities';
import { migrations } from '../data-access/migrations';
import { saleLots, startFakeAtApi, type FakeAtApi } from '../testing/fake-at-api';
import { importAuctionDay, type ImportDeps } from './import-auction-day';
import { importRecentDays } from './import-recent-days';

const env = stackEnv();
const spans = new InMemorySpanExporter();
startTelemetry({ serviceName: 'auction-ingest-test', spanProcessors: [new SimpleSpanProcessor({ exporter: spans })], instrument: false });
const logger = createLogger({ service: 'auction-ingest-test', level: 'silent' });
const cut = CATEGORIES[0]!;
let schema: string;
let orm: Orm;
let api: FakeAtApi;
let deps: ImportDeps;

beforeEach(async () => {
  spans.reset();
  schema = uniqueName('ingest');
  const { url } = await serviceDatabase(env.DATABASE_URL, 'auction-ingest', schema);
  orm = await createOrm({ url, schema, entities: [OutboxMessageSchema, ...entities], migrations: [...messagingMigrations, ...migrations] });
  await migrate(orm, url);
  api = await startFakeAtApi({ serviceKey: 'k' });
  const source = createAtApiClient({ source: 'AT_API', url: api.url, serviceKey: 'k', pageSize: 50, maxPageSize: 400, attempts: 2, initialRetryDelayMs: 5, minIntervalMs: 0, logger });
  deps = { orm, source, logger };
});

afterEach(async () => {
  await api.close();
  await orm.close();
  await dropSchema(env.DATABASE_URL, schema);
});

// The outbox holds each event as Avro in its topic's schema.
const priceUpdated = avroTypeOf(TOPICS['auction.price.updated']);
const outbox = async () =>
  (await query<{ message_key: string; body: Buffer; traceparent: string }>(env.DATABASE_URL, `select message_key, body, headers->>'traceparent' as traceparent from "${schema}".outbox order by id`)).map((row) => ({
    message_key: row.message_key,
    payload: priceUpdated.fromBuffer(row.body) as AuctionPriceUpdated,
    traceparent: row.traceparent,
  }));
const importSpans = () => spans.getFinishedSpans().filter((span) => span.name === 'auction import');
const runs = () =>
  query<Record<string, unknown>>(env.DATABASE_URL, `select status, trigger, requests, rows_read, rows_new, rows_changed, rows_unchanged, rows_failed, rows_repeated, rows_missing, errors from "${schema}".import_run order by id`);

describe('importAuctionDay', () => {
  it('When a day is imported, then every row is stored and published once, keyed by its variety, with stable ids', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 120));
    const result = await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'backfill' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', pages: 1, requests: 2, rowsRead: 120, rowsNew: 120, rowsChanged: 0 });
    const events = await outbox();
    expect(events).toHaveLength(120);
    const first = events.find((e) => e.payload.variety === '품종0')!;
    expect(first.message_key).toBe('CUT_FLOWER|장미|품종0');
    expect(first.payload).toMatchObject({ change: 'NEW', revision: 1, source: 'AT_API', varietyId: varietyIdOf('CUT_FLOWER', '장미', '품종0'), grade: '특1', avgPrice: 9000, totalQuantity: 10 });
    expect((await query(env.DATABASE_URL, `select count(*)::int as n from "${schema}".auction_row`))[0]).toEqual({ n: 120 });
  });

  it('When a variety was sold in several lots, then its row carries the server’s figures — totalAmount is not avgPrice × quantity', async () => {
    api.lots.set('2026-11-24|1', [
      ...saleLots('2026-11-24', 1, () => ({ totAmt: 10_006, totQty: 1, maxAmt: 10_006, minAmt: 10_006 })),
      ...saleLots('2026-11-24', 1, () => ({ totAmt: 9_000, totQty: 2, maxAmt: 4_600, minAmt: 4_400 })),
    ]);
    await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'schedule' });
    const [event] = await outbox();
    expect(event?.payload).toMatchObject({ grade: '특1', avgPrice: 6335, totalAmount: 19_006, totalQuantity: 3, minPrice: 4_400, maxPrice: 10_006 });
  });

  it('When the same day is imported again, then nothing changes and nothing is published', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 30));
    await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'backfill' });
    const again = await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'schedule' });
    expect(again).toMatchObject({ status: 'SUCCEEDED', rowsNew: 0, rowsChanged: 0, rowsUnchanged: 30 });
    expect(await outbox()).toHaveLength(30);
    expect((await query(env.DATABASE_URL, `select count(*)::int as n, max(revision) as r from "${schema}".auction_row`))[0]).toEqual({ n: 30, r: 1 });
  });

  it('When the auction corrected a row, then it is updated in place and published as CHANGED with a new revision and event id', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 3));
    await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'backfill' });
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 3, (i) => (i === 1 ? { totAmt: 99_990 } : {})));
    const result = await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'schedule' });
    expect(result).toMatchObject({ rowsNew: 0, rowsChanged: 1, rowsUnchanged: 2 });
    const events = await outbox();
    expect(events).toHaveLength(4);
    const changed = events[3]!.payload;
    expect(changed).toMatchObject({ variety: '품종1', change: 'CHANGED', revision: 2, avgPrice: 9999, totalAmount: 99_990 });
    expect(changed.eventId).not.toBe(events.find((e) => e.payload.variety === '품종1')!.payload.eventId);
    expect((await query(env.DATABASE_URL, `select count(*)::int as n from "${schema}".auction_row`))[0]).toEqual({ n: 3 });
  });

  it('When some rows carry NULLs ("") or belong to another category, then they are counted and logged, and the others are imported', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 5, (i) => (i === 2 ? { totQty: null } : i === 3 ? { minAmt: null } : {})));
    const result = await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'backfill' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', rowsRead: 5, rowsNew: 3, rowsFailed: 2 });
    const [run] = await runs();
    expect(run?.errors).toEqual(
      expect.arrayContaining([
        { index: expect.any(Number), reason: 'avgAmt is empty (NULL in the aT database)' },
        { index: expect.any(Number), reason: 'minAmt is empty (NULL in the aT database)' },
      ]),
    );
  });

  it('When two rows differ only by spaces in a name, then the second is refused and logged — never added to the first', async () => {
    api.lots.set('2026-11-24|1', [
      ...saleLots('2026-11-24', 1, () => ({ goodName: '비탈', totQty: 7, totAmt: 70_000 })),
      ...saleLots('2026-11-24', 1, () => ({ goodName: '비탈 ', totQty: 5, totAmt: 50_000 })),
    ]);
    const result = await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'backfill' });
    expect(result).toMatchObject({ rowsRead: 2, rowsNew: 1, rowsFailed: 1 });
    expect((await query(env.DATABASE_URL, `select total_quantity::int as q from "${schema}".auction_row`))[0]).toEqual({ q: 7 });
    expect((await runs())[0]?.errors).toEqual([{ index: 1, reason: expect.stringContaining('not added to it') }]);
  });

  it('When the day needs pages and they repeat rows of equal quantity, then each row is stored with its own quantity and the repeats are logged', async () => {
    const lots = saleLots('2026-11-24', 120);
    api.lots.set('2026-11-24|1', lots);
    const source = createAtApiClient({ source: 'AT_API', url: api.url, serviceKey: 'k', pageSize: 50, maxPageSize: 50, minIntervalMs: 0, logger });
    const result = await importAuctionDay({ ...deps, source }, { saleDate: '2026-11-24', category: cut, trigger: 'backfill' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', rowsNew: 120, rowsMissing: 0 });
    expect(result.rowsRepeated).toBeGreaterThan(0);
    const stored = await query<{ variety: string; q: number }>(env.DATABASE_URL, `select variety, total_quantity::int as q from "${schema}".auction_row`);
    expect(stored).toHaveLength(120);
    for (const lot of lots) expect(stored.find((s) => s.variety === lot.goodName)?.q).toBe(lot.totQty);
    expect((await runs())[0]).toMatchObject({ rows_repeated: result.rowsRepeated, rows_missing: 0 });
  });

  it('When the service key is refused (resultCd 3), then the run is recorded as FAILED with the reason and nothing is published', async () => {
    api.keys.k = { approved: false };
    const result = await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'schedule' });
    expect(result).toMatchObject({ status: 'FAILED', scope: 'key', error: expect.stringContaining('resultCd 3') });
    expect(await runs()).toEqual([expect.objectContaining({ status: 'FAILED', errors: [{ reason: expect.stringContaining('not approved') }] })]);
    expect(await outbox()).toHaveLength(0);
    const [span] = importSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: result.code });
    expect(span?.attributes).toMatchObject({ 'auction.status': 'FAILED', 'auction.rows_published': 0 });
  });

  it('When days are imported, then each run is one trace: its span names the day and its figures, and every event it publishes carries it', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 40));
    api.lots.set('2026-11-25|1', saleLots('2026-11-25', 25));
    await importAuctionDay(deps, { saleDate: '2026-11-24', category: cut, trigger: 'backfill' });
    await importAuctionDay(deps, { saleDate: '2026-11-25', category: cut, trigger: 'schedule' });
    const [first, second] = importSpans();
    expect(first?.attributes).toMatchObject({ 'auction.sale_date': '2026-11-24', 'auction.category': cut.symbol, 'auction.trigger': 'backfill', 'auction.status': 'SUCCEEDED', 'auction.rows_read': 40, 'auction.rows_published': 40 });
    expect(second?.attributes).toMatchObject({ 'auction.sale_date': '2026-11-25', 'auction.trigger': 'schedule', 'auction.rows_published': 25 });
    expect(first?.parentSpanContext).toBeUndefined();
    expect(first?.spanContext().traceId).not.toBe(second?.spanContext().traceId);
    // The relay starts each event's publish span under the context its outbox row kept.
    const stored = (await outbox()).map((row) => ({ day: row.payload.saleDate, traceparent: row.traceparent }));
    const parents = (day: string) => new Set(stored.filter((row) => row.day === day).map((row) => row.traceparent));
    expect(stored).toHaveLength(65);
    expect([...parents('2026-11-24')]).toEqual([`00-${first?.spanContext().traceId}-${first?.spanContext().spanId}-01`]);
    expect([...parents('2026-11-25')]).toEqual([`00-${second?.spanContext().traceId}-${second?.spanContext().spanId}-01`]);
  });
});

describe('the daily call budget (Postgres)', () => {
  it('When processes share the budget, then calls are taken up to the ceiling of each priority and never beyond, even concurrently', async () => {
    const budget = createCallBudget(orm, { limit: 10, scheduleReserve: 4, now: () => new Date('2026-11-24T01:00:00Z') });
    const backfillTakes = await Promise.all(Array.from({ length: 9 }, () => budget.take('backfill')));
    expect(backfillTakes.filter(Boolean)).toHaveLength(6);
    const scheduleTakes = await Promise.all(Array.from({ length: 9 }, () => budget.take('schedule')));
    expect(scheduleTakes.filter(Boolean)).toHaveLength(4);
    expect(await budget.status()).toMatchObject({ day: '2026-11-24', used: 10, limit: 10, backfillLimit: 6, exhausted: false });
    const tomorrow = createCallBudget(orm, { limit: 10, scheduleReserve: 4, now: () => new Date('2026-11-24T15:00:00Z') });
    expect(await tomorrow.take('backfill')).toBe(true);
    expect((await tomorrow.status()).day).toBe('2026-11-25');
  });

  it('When the server says its limit is reached, then no call is taken that day, whatever the count', async () => {
    const budget = createCallBudget(orm, { limit: 10, scheduleReserve: 0, now: () => new Date('2026-11-24T01:00:00Z') });
    await budget.take('schedule');
    await budget.markExhausted();
    expect(await budget.take('schedule')).toBe(false);
    expect(await budget.status()).toMatchObject({ used: 1, exhausted: true });
  });
});

describe('importRecentDays', () => {
  it('When the schedule runs, then missing days of the window are imported and the most recent days are re-imported even if done', async () => {
    // 2026-11-25 10:30 in Seoul: the window is 11-23 … 11-25, the refresh 11-24 … 11-25.
    const now = new Date('2026-11-25T01:30:00Z');
    api.lots.set('2026-11-23|1', saleLots('2026-11-23', 2));
    const first = await importRecentDays(deps, { windowDays: 3, refreshDays: 2, trigger: 'schedule', concurrency: 2, now });
    expect(first).toMatchObject({ total: 12, skipped: 0, failed: 0, deferred: 0, rowsPublished: 2 });
    const second = await importRecentDays(deps, { windowDays: 3, refreshDays: 2, trigger: 'schedule', concurrency: 2, now });
    expect(second).toMatchObject({ total: 12, skipped: 4, failed: 0, rowsPublished: 0 });
    expect(second.results.map((r) => r.saleDate).every((d) => d >= '2026-11-24')).toBe(true);
  });

  it('When the call budget runs out during the schedule, then the rest is deferred (not failed) and the run log says so', async () => {
    const budget = createCallBudget(orm, { limit: 3, scheduleReserve: 0 });
    const source = createAtApiClient({ source: 'AT_API', url: api.url, serviceKey: 'k', minIntervalMs: 0, budget, logger });
    const summary = await importRecentDays({ ...deps, source, budget }, { windowDays: 2, refreshDays: 1, trigger: 'schedule', concurrency: 1 });
    expect(summary).toMatchObject({ total: 8, failed: 0, deferred: 5, stoppedBecause: 'budget' });
    expect((await runs()).map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'DEFERRED']);
    expect(api.requests).toHaveLength(3);
  });
});
