import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import axios from 'axios';
import { createLogger } from '@marketbill/platform';
import { CATEGORIES } from '../domain/auction-category';
import { saleLots, startFakeAtApi, type FakeAtApi } from '../testing/fake-at-api';
import { createAtApiClient } from './at-api-client';
import { AtApiError } from './at-api-errors';
import type { CallBudget } from './call-budget';

const KEY = 'test-service-key-do-not-log';
const cut = CATEGORIES[0]!;
let api: FakeAtApi;
const logLines: string[] = [];
const logger = createLogger({ service: 'test', level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });

function client(over: Partial<Parameters<typeof createAtApiClient>[0]> = {}) {
  return createAtApiClient({ source: 'AT_API', url: api.url, serviceKey: KEY, pageSize: 100, maxPageSize: 1_000, timeoutMs: 1_000, attempts: 4, initialRetryDelayMs: 10, maxRetryDelayMs: 50, minIntervalMs: 0, logger, ...over });
}

/** A budget in memory (the Postgres one is tested with the import): `left` calls, then none. */
function memoryBudget(left: number): CallBudget & { taken: number; exhausted: boolean } {
  const budget = {
    taken: 0,
    exhausted: false,
    async take() {
      if (budget.exhausted || budget.taken >= left) return false;
      budget.taken++;
      return true;
    },
    async markExhausted() {
      budget.exhausted = true;
    },
    async status() {
      return { day: '2026-11-24', used: budget.taken, limit: left, backfillLimit: left, exhausted: budget.exhausted, resetsAt: new Date() };
    },
  };
  return budget;
}

beforeEach(async () => {
  api = await startFakeAtApi({ serviceKey: KEY });
  logLines.length = 0;
});
afterEach(() => api.close());

describe('aT API client against a server that behaves like the real one', () => {
  it('When a day is fetched, then one request with the documented parameters and an Accept header that admits text/plain brings the whole day', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 80));
    const day = await client().fetchDay('2026-11-24', cut);
    expect(day.items).toHaveLength(80);
    expect(day.paging).toMatchObject({ mode: 'single-page', pages: 1, requests: 1, repeated: 0, missing: 0 });
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.params).toEqual({ kind: 'f001', serviceKey: KEY, baseDate: '2026-11-24', flowerGubn: '1', dataType: 'json', countPerPage: '100', currentPage: '1' });
    expect(api.requests[0]?.accept).toMatch(/text\/plain/);
    expect(day.items[0]).toMatchObject({ flowerGubn: '절화', lvNm: '특1', totQty: expect.any(String) });
  });

  it('When a request accepts only application/json (what the client used to send), then the server answers 406 with an HTML page, and the client reports it as not acceptable without retrying', async () => {
    const raw = await axios.get(api.url, { params: { kind: 'f001', serviceKey: KEY, baseDate: '2026-11-24', flowerGubn: '1', dataType: 'json' }, headers: { accept: 'application/json' }, validateStatus: () => true });
    expect(raw.status).toBe(406);
    expect(String(raw.data)).toContain('HTTP Status 406');
    api.script.push({ kind: 'status', status: 406 });
    await expect(client().fetchDay('2026-11-24', cut)).rejects.toMatchObject({ code: 'at-api-not-acceptable', scope: 'key', retriable: false });
    expect(api.requests).toHaveLength(2);
  });

  it('When the day fills the first page, then it is asked again with a larger page instead of paging, and every row comes once', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 250));
    const day = await client().fetchDay('2026-11-24', cut);
    expect(api.requests.map((r) => [r.params.countPerPage, r.params.currentPage])).toEqual([['100', '1'], ['400', '1']]);
    expect(day.items).toHaveLength(250);
    expect(new Set(day.items.map((i) => i.goodName)).size).toBe(250);
    expect(day.paging).toMatchObject({ mode: 'single-page', countPerPage: 400, requests: 2 });
  });

  it('When a day is larger than the largest page, then the pages repeat and skip rows of equal quantity; repeats are kept once, never summed, and the skipped rows are found by re-reading', async () => {
    const lots = saleLots('2026-11-24', 120);
    api.lots.set('2026-11-24|1', lots);
    const day = await client({ pageSize: 50, maxPageSize: 50 }).fetchDay('2026-11-24', cut);
    expect(day.paging.mode).toBe('paged');
    expect(day.paging.repeated).toBeGreaterThan(0);
    expect(day.paging.missing).toBe(0);
    expect(day.paging.repaired).toBeGreaterThan(0);
    expect(day.items).toHaveLength(120);
    // Every row exactly as the server grouped it: no quantity doubled by a repeat.
    const byVariety = new Map(day.items.map((i) => [i.goodName, i]));
    for (const l of lots) expect(byVariety.get(l.goodName)).toMatchObject({ totQty: String(l.totQty), totAmt: String(l.totAmt) });
  });

  it('When paging skipped rows and no repair is allowed, then the day is reported with the number of rows missing', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 120));
    const day = await client({ pageSize: 50, maxPageSize: 50, repairRounds: 0 }).fetchDay('2026-11-24', cut);
    expect(day.paging.missing).toBeGreaterThan(0);
    // The total is known (full pages), so every repeat displaced a row that then never came.
    expect(day.paging.missing).toBe(day.paging.repeated);
    expect(day.items).toHaveLength(120 - day.paging.missing);
  });

  it('When the day had no auction, then the answer is an empty day', async () => {
    const day = await client().fetchDay('2026-11-22', cut);
    expect(day.items).toEqual([]);
    expect(api.requests[0]?.resultCd).toBe('0');
  });

  it('When a NULL column arrives as "", then the item carries "" for the parser to refuse', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 2, (i) => (i === 1 ? { maxAmt: null } : {})));
    const day = await client().fetchDay('2026-11-24', cut);
    expect(day.items.find((i) => i.goodName === '품종1')?.maxAmt).toBe('');
  });

  it('When the key is not approved (resultCd 3), then it fails at once as a key-level refusal, without the key in the message', async () => {
    api.keys[KEY] = { approved: false };
    const error = await client().fetchDay('2026-11-24', cut).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtApiError);
    expect(error).toMatchObject({ code: 'at-api-result-error', scope: 'key', retriable: false, details: { resultCd: '3' } });
    expect(api.requests).toHaveLength(1);
    expect(String((error as Error).message)).not.toContain(KEY);
  });

  it('When the key is unknown to the server, then its HTML error page (status 200) is retried and then reported as the error page, never logging the key', async () => {
    const error = await client({ serviceKey: 'unknown-key-do-not-log' }).fetchDay('2026-11-24', cut).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'at-api-error-page', scope: 'pair' });
    expect(api.requests.every((r) => r.status === 200 && r.resultCd === undefined)).toBe(true);
    expect(api.requests).toHaveLength(4);
    expect(logLines.join('\n')).not.toContain('unknown-key-do-not-log');
  });

  it('When the server’s daily limit is reached, then "4" defers the work and marks the budget exhausted', async () => {
    await api.close();
    api = await startFakeAtApi({ serviceKey: KEY, dailyCallLimit: 1 });
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 3));
    const budget = memoryBudget(100);
    const c = client({ budget });
    await c.fetchDay('2026-11-24', cut);
    await c.fetchDay('2026-11-24', cut);
    const error = await c.fetchDay('2026-11-24', cut).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'at-api-daily-limit-reached', scope: 'defer' });
    expect(budget.exhausted).toBe(true);
    expect(api.requests.map((r) => r.resultCd)).toEqual(['0', '0', '4']);
  });

  it('When our own daily budget is used up, then no request is sent and the work is deferred', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 3));
    const c = client({ budget: memoryBudget(1) });
    await c.fetchDay('2026-11-24', cut);
    await expect(c.fetchDay('2026-11-24', cut)).rejects.toMatchObject({ code: 'at-api-call-budget-exhausted', scope: 'defer' });
    expect(api.requests).toHaveLength(1);
  });

  it('When the API answers 503 twice and then succeeds, then the client retries with backoff and returns the rows', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 5));
    api.script.push({ kind: 'status', status: 503 }, { kind: 'status', status: 502 });
    const day = await client().fetchDay('2026-11-24', cut);
    expect(day.items).toHaveLength(5);
    expect(day.paging.requests).toBe(3);
  });

  it('When an answer is slower than the time-out, then the request is abandoned and retried', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 5));
    api.script.push({ kind: 'slow', delayMs: 600 });
    const day = await client({ timeoutMs: 200 }).fetchDay('2026-11-24', cut);
    expect(day.items).toHaveLength(5);
    expect(api.requests).toHaveLength(2);
  });

  it('When the connection drops every time, then the client gives up after its attempts with a retriable error and logs no key', async () => {
    api.script.push({ kind: 'drop' }, { kind: 'drop' }, { kind: 'drop' }, { kind: 'drop' });
    const error = await client().fetchDay('2026-11-24', cut).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'at-api-unavailable', retriable: true });
    expect(api.requests).toHaveLength(4);
    expect(logLines.some((l) => l.includes('aT request failed; retrying'))).toBe(true);
    expect(logLines.join('\n')).not.toContain(KEY);
  });

  it('When the API refuses with a 4xx, then it is not retried', async () => {
    api.script.push({ kind: 'status', status: 403 });
    await expect(client().fetchDay('2026-11-24', cut)).rejects.toMatchObject({ code: 'at-api-refused' });
    expect(api.requests).toHaveLength(1);
  });

  it('When numOfRows does not match the items of the page, then the answer is malformed and asked again', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 2));
    api.script.push({ kind: 'status', status: 200, contentType: 'application/json', body: JSON.stringify({ response: { resultCd: '0', resultMsg: 'OK', numOfRows: '3', items: [] } }) });
    expect((await client().fetchDay('2026-11-24', cut)).items).toHaveLength(2);
    expect(api.requests).toHaveLength(2);
  });

  it('When requests must be spaced, then two requests are at least the minimum interval apart', async () => {
    api.lots.set('2026-11-24|1', saleLots('2026-11-24', 150));
    const started = Date.now();
    await client({ minIntervalMs: 150 }).fetchDay('2026-11-24', cut);
    expect(api.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
