import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createLogger } from '@marketbill/platform';
import { CATEGORIES } from '../domain/auction-category';
import { atItems, startFakeAtApi, type FakeAtApi } from '../test-support/fake-at-api';
import { createAtApiClient } from './at-api-client';
import { AtApiError } from './at-api-errors';

const KEY = 'test-service-key-do-not-log';
const cut = CATEGORIES[0]!;
let api: FakeAtApi;
const logLines: string[] = [];
const logger = createLogger({ service: 'test', level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });

function client(over: Partial<Parameters<typeof createAtApiClient>[0]> = {}) {
  return createAtApiClient({ source: 'AT_API', url: api.url, serviceKey: KEY, pageSize: 100, timeoutMs: 1_000, attempts: 4, initialRetryDelayMs: 10, maxRetryDelayMs: 50, minIntervalMs: 0, logger, ...over });
}

beforeEach(async () => {
  api = await startFakeAtApi({ serviceKey: KEY });
  logLines.length = 0;
});
afterEach(() => api.close());

describe('aT API client', () => {
  it('When a day spans several pages, then every page is fetched with the documented parameters', async () => {
    api.days.set('2026-11-24|1', atItems('2026-11-24', 250));
    const day = await client().fetchDay('2026-11-24', cut);
    expect(day.items).toHaveLength(250);
    expect(day.pages).toBe(3);
    expect(api.requests.map((r) => r.params.currentPage)).toEqual(['1', '2', '3']);
    expect(api.requests[0]?.params).toMatchObject({ kind: 'f001', serviceKey: KEY, baseDate: '2026-11-24', flowerGubn: '1', dataType: 'json', countPerPage: '100' });
  });

  it('When the rows fill whole pages exactly, then numOfRows saves the request for an empty last page', async () => {
    api.days.set('2026-11-24|1', atItems('2026-11-24', 200));
    const day = await client().fetchDay('2026-11-24', cut);
    expect(day.items).toHaveLength(200);
    expect(api.requests).toHaveLength(2);
  });

  it('When items come wrapped as { item: [...] }, then they are read the same', async () => {
    api.itemsShape = 'wrapped';
    api.days.set('2026-11-24|1', atItems('2026-11-24', 3));
    expect((await client().fetchDay('2026-11-24', cut)).items).toHaveLength(3);
  });

  it('When the day had no auction, then the answer without items is an empty day', async () => {
    const day = await client().fetchDay('2026-11-22', cut);
    expect(day).toMatchObject({ items: [], pages: 1 });
  });

  it('When the API answers a resultCd error, then it fails at once without retrying and without the key in the message', async () => {
    api.script.push({ kind: 'result', resultCd: '99', resultMsg: 'SERVICE ERROR' });
    const error = await client().fetchDay('2026-11-24', cut).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtApiError);
    expect(error).toMatchObject({ code: 'at-api-result-error', retriable: false });
    expect(api.requests).toHaveLength(1);
    expect(String((error as Error).message)).not.toContain(KEY);
  });

  it('When the API answers 503 twice and then succeeds, then the client retries with backoff and returns the rows', async () => {
    api.days.set('2026-11-24|1', atItems('2026-11-24', 5));
    api.script.push({ kind: 'status', status: 503 }, { kind: 'status', status: 502 });
    const day = await client().fetchDay('2026-11-24', cut);
    expect(day.items).toHaveLength(5);
    expect(api.requests).toHaveLength(3);
  });

  it('When an answer is slower than the time-out, then the request is abandoned and retried', async () => {
    api.days.set('2026-11-24|1', atItems('2026-11-24', 5));
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

  it('When a 200 carries an HTML page, then it is a malformed answer, retried, then accepted once well formed', async () => {
    api.days.set('2026-11-24|1', atItems('2026-11-24', 2));
    api.script.push({ kind: 'status', status: 200, body: '<html>maintenance</html>' });
    expect((await client().fetchDay('2026-11-24', cut)).items).toHaveLength(2);
  });

  it('When requests must be spaced, then two pages are at least the minimum interval apart', async () => {
    api.days.set('2026-11-24|1', atItems('2026-11-24', 150));
    const started = Date.now();
    await client({ minIntervalMs: 150 }).fetchDay('2026-11-24', cut);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
