import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createLogger, createOrm, migrate, type Orm } from '@marketbill/platform';
import { messagingMigrations, OutboxMessageSchema } from '@marketbill/messaging';
import { dropSchema, query, stackEnv, uniqueName } from '@marketbill/testing';
import { CATEGORIES } from '../domain/auction-category';
import { createAtApiClient } from '../clients/at-api-client';
import { createCallBudget } from './create-call-budget';
import { findBackfill } from '../data-access/backfill-repository';
import { entities } from '../data-access/entities';
import { migrations } from '../data-access/migrations';
import { EXIT_DEFERRED, runBackfillCommand } from '../entry-points/cli/backfill-command';
import { saleLots, startFakeAtApi, type FakeAtApi } from '../testing/fake-at-api';
import type { ImportDeps } from './import-auction-day';
import { requestBackfill } from './request-backfill';
import { workOnBackfill } from './work-on-backfill';
import { continueBackfills } from './continue-backfills';

const env = stackEnv();
const logger = createLogger({ service: 'auction-ingest-test', level: 'silent' });
const [cut, foliage] = [CATEGORIES[0]!, CATEGORIES[1]!];
let schema: string;
let orm: Orm;
let api: FakeAtApi;
let clock: Date;

/** Deps with a Postgres call budget of `limit` calls a day, `reserve` of them kept for the schedule, on the test's clock. */
function depsWith(limit: number, reserve: number, over: Partial<Parameters<typeof createAtApiClient>[0]> = {}): ImportDeps {
  const budget = createCallBudget(orm, { limit, scheduleReserve: reserve, now: () => clock });
  const source = createAtApiClient({ source: 'AT_API', url: api.url, serviceKey: 'k', minIntervalMs: 0, attempts: 2, initialRetryDelayMs: 5, budget, logger, ...over });
  return { orm, source, budget, logger };
}

beforeEach(async () => {
  schema = uniqueName('backfill');
  orm = await createOrm({ url: env.DATABASE_URL, schema, entities: [OutboxMessageSchema, ...entities], migrations: [...messagingMigrations, ...migrations] });
  await migrate(orm, env.DATABASE_URL);
  clock = new Date('2026-11-25T02:00:00Z');
  api = await startFakeAtApi({ serviceKey: 'k', now: () => clock });
  for (const day of ['2026-11-20', '2026-11-21', '2026-11-22']) {
    api.lots.set(`${day}|1`, saleLots(day, 4));
    api.lots.set(`${day}|2`, saleLots(day, 2, () => ({}), '2').map((l) => ({ ...l, pumName: '몬스테라' })));
  }
});

afterEach(async () => {
  await api.close();
  await orm.close();
  await dropSchema(env.DATABASE_URL, schema);
});

const range = { from: '2026-11-20', to: '2026-11-22', categories: [cut, foliage], force: false };
const eventCount = async () => ((await query<{ n: number }>(env.DATABASE_URL, `select count(*)::int as n from "${schema}".outbox`))[0] as { n: number }).n;

describe('backfills within the daily call budget', () => {
  it('When a backfill needs more calls than today’s budget leaves it, then it pauses with honest progress and the schedule finishes it with the next day’s budget', async () => {
    const deps = depsWith(5, 2);
    const { backfill } = await requestBackfill(deps, range);
    const day1 = await workOnBackfill(deps, backfill.id, { concurrency: 1 });
    expect(day1).toMatchObject({ outcome: 'deferred', progress: { total: 6, done: 3, failed: 0, remaining: 3, stoppedBecause: expect.stringContaining('budget') } });
    expect(day1.budget).toMatchObject({ used: 3, limit: 5, backfillLimit: 3 });
    expect(api.requests).toHaveLength(3);
    // Newest day first.
    expect(day1.summary?.results.filter((r) => r.status === 'SUCCEEDED').map((r) => r.saleDate)).toEqual(['2026-11-22', '2026-11-22', '2026-11-21']);
    expect((await findBackfill(orm.em.fork(), backfill.id))?.progress).toMatchObject({ done: 3, remaining: 3 });

    // Later the same day the schedule finds no budget for backfills: nothing is asked of the server.
    const sameDay = await continueBackfills(deps, { concurrency: 1 });
    expect(sameDay.map((s) => s.outcome)).toEqual(['deferred']);
    expect(api.requests).toHaveLength(3);

    clock = new Date('2026-11-25T15:05:00Z'); // 00:05 on 11-26 in Seoul: a new budget
    const day2 = await continueBackfills(deps, { concurrency: 1 });
    expect(day2.map((s) => s.outcome)).toEqual(['finished']);
    expect(day2[0]?.progress).toMatchObject({ total: 6, done: 6, remaining: 0 });
    expect((await findBackfill(orm.em.fork(), backfill.id))?.status).toBe('DONE');
    expect(await eventCount()).toBe(3 * 4 + 3 * 2);
    expect(await continueBackfills(deps, { concurrency: 1 })).toEqual([]);
  });

  it('When the server says its limit is reached before our budget does (another user of the key), then the session pauses and no further call is made that day', async () => {
    await api.close();
    api = await startFakeAtApi({ serviceKey: 'k', dailyCallLimit: 1, now: () => clock });
    api.lots.set('2026-11-22|1', saleLots('2026-11-22', 4));
    const deps = depsWith(100, 10);
    const { backfill } = await requestBackfill(deps, range);
    const session = await workOnBackfill(deps, backfill.id, { concurrency: 1 });
    expect(session).toMatchObject({ outcome: 'deferred', progress: { done: 2, remaining: 4 }, budget: { exhausted: true } });
    expect(api.requests.map((r) => r.resultCd)).toEqual(['0', '0', '4']);
    expect(await workOnBackfill(deps, backfill.id, { concurrency: 1 })).toMatchObject({ outcome: 'deferred' });
    expect(api.requests).toHaveLength(3);
    const statuses = await query<{ status: string; n: number }>(env.DATABASE_URL, `select status, count(*)::int as n from "${schema}".import_run group by status order by status`);
    expect(statuses).toEqual([{ status: 'DEFERRED', n: 2 }, { status: 'SUCCEEDED', n: 2 }]);
  });

  it('When one day keeps failing, then it is given up after three sessions, reported with its reason, and the backfill finishes', async () => {
    // A group whose quantities sum to 0 makes the server's query fail: its HTML error page, every time.
    api.lots.set('2026-11-21|1', saleLots('2026-11-21', 2, (i) => (i === 0 ? { totQty: 0, totAmt: 0 } : {})));
    const deps = depsWith(1_000, 0);
    const { backfill } = await requestBackfill(deps, range);
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await workOnBackfill(deps, backfill.id, { concurrency: 2 })).outcome);
    expect(outcomes).toEqual(['partial', 'partial', 'finished']);
    const last = await workOnBackfill(deps, backfill.id, { concurrency: 1 });
    expect(last).toMatchObject({ outcome: 'not-pending', progress: { done: 5, failed: 1, remaining: 0 } });
    expect([...last.failures]).toEqual([['2026-11-21|CUT_FLOWER', expect.stringContaining('error page')]]);
  });

  it('When the service key is unknown to the server, then the first pairs get its error page and the session stops there, saying to check the key', async () => {
    const deps = depsWith(1_000, 0, { serviceKey: 'not-a-key-the-server-knows' });
    const { backfill } = await requestBackfill(deps, range);
    const session = await workOnBackfill(deps, backfill.id, { concurrency: 1 });
    expect(session).toMatchObject({ outcome: 'stopped', progress: { done: 0, remaining: 6 } });
    expect(session.summary?.stopMessage).toContain('check AT_API_KEY');
    expect(session.summary?.results.map((r) => r.code)).toEqual(['at-api-error-page', 'at-api-error-page', 'at-api-error-page']);
    expect(api.requests).toHaveLength(3 * 2);
  });

  it('When two processes work on the same backfill, then one of them finds it busy', async () => {
    const deps = depsWith(1_000, 0);
    const { backfill } = await requestBackfill(deps, range);
    const outcomes = (await Promise.all([workOnBackfill(deps, backfill.id, { concurrency: 1 }), workOnBackfill(deps, backfill.id, { concurrency: 1 })])).map((s) => s.outcome).sort();
    expect(outcomes).toEqual(['busy', 'finished']);
    expect(api.requests).toHaveLength(6);
  });

  it('When a forced backfill covers days already imported, then it imports them again; an unforced one asked twice is the same backfill', async () => {
    const deps = depsWith(1_000, 0);
    const first = await requestBackfill(deps, range);
    expect((await requestBackfill(deps, range)).backfill.id).toBe(first.backfill.id);
    await workOnBackfill(deps, first.backfill.id, { concurrency: 2 });
    const forced = await requestBackfill(deps, { ...range, force: true });
    expect(forced.created).toBe(true);
    const session = await workOnBackfill(deps, forced.backfill.id, { concurrency: 2 });
    expect(session).toMatchObject({ outcome: 'finished', progress: { done: 6 } });
    expect(api.requests).toHaveLength(12);
  });
});

describe('the backfill command', () => {
  it('When the budget runs out, then the command says the backfill is paused, how much remains and when it continues, and exits 75; --status shows it', async () => {
    const deps = depsWith(4, 1);
    const out: string[] = [];
    const io = { tty: false, write: (t: string) => void out.push(t), concurrency: 1, continuesAt: 'at 5 0 * * * (Asia/Seoul)' };
    const code = await runBackfillCommand(deps, { action: 'run', ...range }, io);
    const text = out.join('');
    expect(code).toBe(EXIT_DEFERRED);
    expect(text).toContain('3 of 6 day×category imported, 0 given up, 3 remaining');
    expect(text).toContain('paused: the daily aT call budget is used up');
    expect(text).toContain('at 5 0 * * * (Asia/Seoul)');
    expect(text).toMatch(/About 1 more day/);
    out.length = 0;
    expect(await runBackfillCommand(deps, { action: 'status' }, io)).toBe(0);
    expect(out.join('')).toMatch(/#\d+ PENDING 2026-11-20…2026-11-22 CUT_FLOWER,FOLIAGE: 50% · 3\/6 imported · 0 given up · 3 remaining · last session stopped: .*budget/);
    expect(out.join('')).toContain('3 of 4 calls used, 3 for backfills');
  });
});
