import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startOrdering, type OrderingHarness } from '../../testing/ordering-harness';

jest.setTimeout(120_000);

// The edge as a browser on another origin meets it: real HTTP, the origins from configuration as
// `npm run up` sets them (services/ordering/local.env). tests/system/browser.int.test.ts drives a
// real Chromium through the same rules.
const FRONT_END = 'http://localhost:3000';
const OTHER_FRONT_END = 'http://127.0.0.1:3000';
const STRANGER = 'https://evil.example';

let h: OrderingHarness;
beforeAll(async () => {
  h = await startOrdering({ CORS_ALLOWED_ORIGINS: `${FRONT_END},${OTHER_FRONT_END}` });
});
afterAll(async () => h?.stop());

const corsHeaders = (headers: Headers) => [...headers.keys()].filter((k) => k.startsWith('access-control-'));

async function preflight(origin: string, method: string, requestHeaders: string, path = '/v1/orders') {
  return fetch(`${h.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': requestHeaders },
  });
}

describe('CORS on the edge', () => {
  it('When a listed origin sends a preflight, then it gets 204 with the methods and headers the API takes, cached for 10 minutes', async () => {
    const answer = await preflight(FRONT_END, 'POST', 'authorization,content-type,idempotency-key');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(FRONT_END);
    expect(answer.headers.get('access-control-allow-methods')?.split(', ')).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    const allowed = answer.headers.get('access-control-allow-headers')?.toLowerCase().split(', ');
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key', 'x-request-id']));
    expect(answer.headers.get('access-control-max-age')).toBe('600');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(await answer.text()).toBe('');
  });

  it('When the second listed origin sends a preflight for a path with parameters, then it is answered for that origin', async () => {
    const answer = await preflight(OTHER_FRONT_END, 'PATCH', 'authorization,content-type', '/v1/orders/6f1c0d1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f/prices');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(OTHER_FRONT_END);
  });

  it('When an unlisted origin sends a preflight, then it is refused with 403 cors-origin-not-allowed and no CORS headers', async () => {
    for (const origin of [STRANGER, 'http://localhost:3001', 'http://localhost:3000.evil.example', 'null']) {
      const answer = await preflight(origin, 'POST', 'authorization,content-type');
      expect(answer.status).toBe(403);
      expect(corsHeaders(answer.headers)).toEqual([]);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(((await answer.json()) as { code: string }).code).toBe('cors-origin-not-allowed');
      expect(answer.headers.get('vary')).toMatch(/\bOrigin\b/);
    }
  });

  it('When a listed origin calls with a bad token, then the 401 problem carries the CORS headers, so the page can read it', async () => {
    const answer = await h.call('GET', '/v1/orders', { token: 'not-a-token', headers: { origin: FRONT_END } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('access-control-allow-origin')).toBe(FRONT_END);
    expect(answer.headers.get('access-control-expose-headers')?.split(', ')).toEqual(['Location', 'Retry-After', 'X-Request-Id']);
    expect(answer.headers.get('x-request-id')).toBeTruthy();
  });

  it('When a listed origin sends a malformed JSON body, then even the body parser’s 400 carries the CORS headers', async () => {
    const answer = await fetch(`${h.url}/v1/auth/sign-in`, { method: 'POST', headers: { origin: FRONT_END, 'content-type': 'application/json' }, body: '{"phone":' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('access-control-allow-origin')).toBe(FRONT_END);
    expect(((await answer.json()) as { code: string }).code).toBe('malformed-json');
  });

  it('When a listed origin creates a resource, then the 201 names it in Location and Location is exposed to the page', async () => {
    const retailer = await h.account('RETAILER');
    const owner = await h.account('WHOLESALER_OWNER');
    const answer = await h.call('POST', '/v1/connections', { token: retailer.token, body: { wholesalerId: owner.id }, headers: { origin: FRONT_END } });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('location')).toBe(`/v1/connections/${answer.body.id}`);
    expect(answer.headers.get('access-control-expose-headers')).toContain('Location');
    expect((await h.call('GET', answer.headers.get('location') as string, { token: retailer.token })).body.id).toBe(answer.body.id);
  });

  it('When an unlisted origin calls, then the answer has no CORS headers (the browser withholds it) and varies by Origin', async () => {
    const retailer = await h.account('RETAILER');
    const answer = await h.call('GET', '/v1/orders', { token: retailer.token, headers: { origin: STRANGER } });
    expect(answer.status).toBe(200);
    expect(corsHeaders(answer.headers)).toEqual([]);
    expect(answer.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it('When a request has no Origin (a server, curl), then nothing changes for it', async () => {
    const retailer = await h.account('RETAILER');
    const answer = await h.call('GET', '/v1/orders', { token: retailer.token });
    expect(answer.status).toBe(200);
    expect(corsHeaders(answer.headers)).toEqual([]);
  });
});
