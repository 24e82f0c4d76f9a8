import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DatabaseError } from 'pg';
import { z } from 'zod';
import { AppError, ConflictError, TooManyRequestsError } from '../errors';
import { createHealth } from '../health';
import { createLogger } from '../logger';
import { createHttpApp, finishHttpApp, listen, type RunningServer } from './app';
import { createServiceClient } from './client';
import { actorHeaders, readActorHeader, requireInternalCaller } from './internal';
import { parseInput } from './validate';

const TOKEN = 'a-long-internal-token-for-tests';
const REPORTING_TOKEN = 'another-callers-own-token-1234';
const logged: string[] = [];
const logger = createLogger({
  service: 'http-test',
  destination: new Writable({ write: (c, _e, d) => (logged.push(String(c)), d()) }),
});
const health = createHealth({ checkTimeoutMs: 200 });
let dependencyUp = true;
health.addReadinessCheck('dependency', async () => {
  if (!dependencyUp) throw new Error('down');
});
// A part that does not decide readiness (as Kafka and the outbox do for the services).
health.addDetail('queue', () => ({ status: 'alert', waiting: 7 }));
health.addMetrics(() => [{ name: 'marketbill_test_waiting', help: 'Waiting things.', type: 'gauge', samples: [{ labels: { queue: 'a "quoted" name' }, value: 7 }] }]);
let server: RunningServer;

beforeAll(async () => {
  const app = createHttpApp({ logger, health });
  app.post('/things', (req, res) => {
    const body = parseInput(z.object({ name: z.string().min(1), count: z.number().int().positive() }), req.body);
    res.status(201).json(body);
  });
  app.get('/conflict', () => {
    throw ConflictError.because('thing-exists', 'The thing exists.');
  });
  app.get('/limited', () => {
    throw TooManyRequestsError.rateLimited('too-many-sign-ins', 30);
  });
  app.get('/bug', () => {
    throw new TypeError("Cannot read properties of undefined (reading 'secret')");
  });
  app.get('/database-restarting', () => {
    // What pg throws for a query on a connection the server closes during `pg_ctl stop -m fast`.
    throw Object.assign(new DatabaseError('terminating connection due to administrator command', 0, 'error'), { code: '57P01' });
  });
  app.get('/connection-lost', () => {
    // pg's codeless error for a connection that dropped mid-query.
    throw new Error('select 1 - Connection terminated unexpectedly');
  });
  app.get('/view-behind', () => {
    throw new AppError({ code: 'order-view-behind', message: 'Not there yet.', httpStatus: 503, retriable: true, retryAfterSeconds: 2 });
  });
  app.get('/internal/whoami', requireInternalCaller({ ordering: TOKEN, reporting: `sha256:${createHash('sha256').update(REPORTING_TOKEN).digest('hex')}` }), (req, res) => {
    res.json({ actor: readActorHeader(req) ?? null, caller: res.locals.internalCaller });
  });
  finishHttpApp(app, logger);
  server = await listen(app, 0, '127.0.0.1');
});

afterAll(async () => {
  await server.close();
});

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe('HTTP plumbing', () => {
  it('When the body is valid, then the route answers and echoes a request id', async () => {
    const r = await call('/things', { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'req-12345678' }, body: '{"name":"장미","count":3}' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ name: '장미', count: 3 });
    expect(r.headers.get('x-request-id')).toBe('req-12345678');
  });

  it('When the body breaks the schema, then a 400 problem names every invalid field', async () => {
    const r = await call('/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"","count":-1}' });
    expect(r.status).toBe(400);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.code).toBe('validation-failed');
    expect(r.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['count', 'name']);
    expect(r.body.requestId).toEqual(expect.any(String));
  });

  it('When the body is not JSON, then a 400 malformed-json problem', async () => {
    const r = await call('/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('malformed-json');
  });

  it('When the JSON body holds bytes that are not UTF-8, then 400 invalid-utf8 and the handler never sees it', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xec, 0x9e]), Buffer.from('","count":1}')]);
    const r = await call('/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect([r.status, r.body.code]).toEqual([400, 'invalid-utf8']);
    const utf16 = await call('/things', { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-16' }, body: Buffer.from('{"name":"a","count":1}', 'utf16le') });
    expect([utf16.status, utf16.body.code]).toEqual([415, 'unsupported-encoding']);
  });

  it('When the request headers pass Node\'s limit, then 431 as problem+json, not an empty answer', async () => {
    const r = await call('/things', { headers: { 'x-padding': 'x'.repeat(60 * 1024) } });
    expect(r.status).toBe(431);
    expect(r.type).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status: 431, code: 'headers-too-large', title: 'Request Header Fields Too Large' });
    // The server is still fine for the next caller.
    expect((await call('/health/live')).status).toBe(200);
  });

  it('When a business rule refuses, then its status and stable code come back', async () => {
    expect((await call('/conflict')).body).toMatchObject({ status: 409, code: 'thing-exists', type: 'https://marketbill.kr/problems/thing-exists' });
    const limited = await call('/limited');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
  });

  it('When a handler has a bug, then a bare 500 hides the internals and the log keeps them', async () => {
    const r = await call('/bug');
    expect(r.status).toBe(500);
    expect(r.body.code).toBe('internal-error');
    expect(JSON.stringify(r.body)).not.toContain('secret');
    expect(logged.join('')).toContain('unhandled error in request');
  });

  it('When the database is restarting or the connection dropped, then 503 database-unavailable with Retry-After, not a 500', async () => {
    for (const path of ['/database-restarting', '/connection-lost']) {
      const r = await call(path);
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('database-unavailable');
      expect(r.headers.get('retry-after')).toBe('5');
      expect(JSON.stringify(r.body)).not.toContain('administrator');
    }
    const behind = await call('/view-behind');
    expect(behind.status).toBe(503);
    expect(behind.body.code).toBe('order-view-behind');
    expect(behind.headers.get('retry-after')).toBe('2');
  });

  it('When the route does not exist, then a 404 problem', async () => {
    expect((await call('/nowhere')).body).toMatchObject({ status: 404, code: 'route-not-found' });
  });

  it('When a dependency fails its check, then ready is 503 while live stays 200', async () => {
    expect((await call('/health/ready')).status).toBe(200);
    dependencyUp = false;
    const ready = await call('/health/ready');
    const detail = await call('/health/detail');
    const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
    dependencyUp = true;
    expect(ready.status).toBe(503);
    expect(ready.body.checks.dependency).toBe('down');
    expect((await call('/health/live')).status).toBe(200);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ status: 'alert', ready: false, components: { queue: { status: 'alert', waiting: 7 } } });
    expect(metrics).toContain('marketbill_ready 0');
    expect(metrics).toContain('# TYPE marketbill_test_waiting gauge');
    expect(metrics).toContain('marketbill_test_waiting{queue="a \\"quoted\\" name"} 7');
  });

  it('When an internal route is called without the token or with a wrong one, then 401', async () => {
    expect((await call('/internal/whoami')).body.code).toBe('unauthenticated');
    expect((await call('/internal/whoami', { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).body.code).toBe('invalid-token');
    const actor = { accountId: '3f8a9b0c-1d2e-4f5a-8b6c-7d8e9f0a1b2c', role: 'WHOLESALER_OWNER' as const, wholesalerId: '3f8a9b0c-1d2e-4f5a-8b6c-7d8e9f0a1b2c' };
    const ok = await call('/internal/whoami', { headers: { authorization: `Bearer ${TOKEN}`, ...actorHeaders(actor) } });
    expect(ok.body).toEqual({ actor, caller: 'ordering' });
    // Each caller has its own credential; one listed by its digest works the same.
    expect((await call('/internal/whoami', { headers: { authorization: `Bearer ${REPORTING_TOKEN}` } })).body.caller).toBe('reporting');
    expect((await call('/internal/whoami', { headers: { authorization: `Bearer sha256:${createHash('sha256').update(REPORTING_TOKEN).digest('hex')}` } })).body.code).toBe('invalid-token');
  });

  it('When nothing is configured as a trusted proxy, then X-Forwarded-For is ignored and the TCP peer is the client', async () => {
    const plain = createHttpApp({ logger, health: createHealth() });
    plain.get('/ip', (req, res) => res.json({ ip: req.ip }));
    const running = await listen(finishHttpApp(plain, logger), 0, '127.0.0.1');
    try {
      const r = await fetch(`${running.url}/ip`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(((await r.json()) as { ip: string }).ip).toBe('127.0.0.1');
    } finally {
      await running.close();
    }
  });

  it('When the peer is a trusted proxy, then the client is the rightmost address it did not add itself', async () => {
    const behind = createHttpApp({ logger, health: createHealth(), trustedProxies: ['127.0.0.1/32', '10.0.0.0/8'] });
    behind.get('/ip', (req, res) => res.json({ ip: req.ip }));
    const running = await listen(finishHttpApp(behind, logger), 0, '127.0.0.1');
    const ip = async (xff: string) => ((await (await fetch(`${running.url}/ip`, { headers: { 'x-forwarded-for': xff } })).json()) as { ip: string }).ip;
    try {
      expect(await ip('203.0.113.7')).toBe('203.0.113.7');
      // A client that sends its own X-Forwarded-For: the proxy appends the real peer; the forged
      // entries to its left are not believed.
      expect(await ip('198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
      // Two proxies of ours in a row (ingress behind a load balancer on 10.x): skipped, too.
      expect(await ip('198.51.100.1, 203.0.113.7, 10.1.2.3')).toBe('203.0.113.7');
    } finally {
      await running.close();
    }
  });

  it('When the service client calls, then 2xx bodies return, 4xx keep the callee code, outages become 503', async () => {
    const client = createServiceClient({ name: 'things', baseUrl: server.url, token: TOKEN, timeoutMs: 500 });
    await expect(client.request('GET', '/internal/whoami')).resolves.toEqual({ actor: null, caller: 'ordering' });
    await expect(client.request('GET', '/conflict')).rejects.toMatchObject({ code: 'thing-exists', httpStatus: 409 });
    const wrongToken = createServiceClient({ name: 'things', baseUrl: server.url, token: 'not-the-token-at-all', timeoutMs: 500 });
    await expect(wrongToken.request('GET', '/internal/whoami')).rejects.toMatchObject({ code: 'things-unavailable', httpStatus: 502 });

    // A callee's own 503 problem is passed on with its code and Retry-After, not as "things-unavailable".
    await expect(client.request('POST', '/view-behind')).rejects.toMatchObject({ code: 'route-not-found' });
    await expect(client.request('GET', '/view-behind')).rejects.toMatchObject({ code: 'order-view-behind', httpStatus: 503, retriable: true, retryAfterSeconds: 2 });
    await expect(client.request('GET', '/database-restarting')).rejects.toMatchObject({ code: 'database-unavailable', httpStatus: 503, retryAfterSeconds: 5 });

    const down = createServiceClient({ name: 'things', baseUrl: 'http://127.0.0.1:9', token: TOKEN, timeoutMs: 300 });
    await expect(down.request('GET', '/x')).rejects.toMatchObject({ code: 'things-unavailable', httpStatus: 503, retriable: true });

    // A callee that never answers: the time-out turns into the same 503.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const slow = createServiceClient({ name: 'things', baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, token: TOKEN, timeoutMs: 200 });
    await expect(slow.request('GET', '/x')).rejects.toMatchObject({ code: 'things-unavailable' });
    silent.closeAllConnections();
    silent.close();
  });
});
