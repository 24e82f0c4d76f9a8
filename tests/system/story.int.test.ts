import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLogger, createSealer } from '@marketbill/platform';
import { sealedFieldContext, type TopicEvents, TOPICS } from '@marketbill/schemas';
import { bindTopics, createEventCodec, createKafka, createRegistryClient, createTopicNaming } from '@marketbill/messaging';
import { readTopic, startOtlpReceiver, startSystem, waitFor, type OtlpReceiver, type RunningSystem, type TopicReader } from '@marketbill/testing';

const topics = bindTopics<TopicEvents>(TOPICS);

// The whole story through the public REST edge, with all five services as processes on the real
// stack: sign up with the SMS code, connect, browse priced flowers, fill the cart, order, price,
// issue the statement, download the PDF, read the SMS log — and one trace from the edge through
// billing to the notifier. The services keep no new traces (OTEL_TRACES_SAMPLER at a ratio of 0, as
// an operator might set it), so the one trace exported is the one this test starts sampled.
jest.setTimeout(300_000);

let system: RunningSystem;
let otlp: OtlpReceiver;
let codes: TopicReader;
let edge: string;

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  system = await startSystem({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
    // One synthetic auction day is enough for the story (the default catches up two weeks).
    perService: { 'auction-ingest': { CATCH_UP_DAYS: '1' } },
  });
  edge = system.urls.ordering;
  const stack = system.env.ordering;
  const logger = createLogger({ service: 'story-test', level: 'silent' });
  const kafka = createKafka({ brokers: (stack.KAFKA_BROKERS as string).split(','), clientId: 'story-test', logger });
  codes = await readTopic(kafka, `${stack.KAFKA_TOPIC_PREFIX}account.verification.requested`);
});

afterAll(async () => {
  await codes?.stop();
  await system?.stop();
  await otlp?.close();
});

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers checked field by field
  headers: Headers;
}

async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(`${edge}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.headers ?? {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

async function ok(answer: Promise<Answer>, status = 200): Promise<Answer> {
  const a = await answer;
  if (a.status !== status) throw new Error(`expected ${status}, got ${a.status}: ${JSON.stringify(a.body)}`);
  return a;
}

/** The code the notifier would text, read from the verification topic and opened with the notifier's key. */
async function verificationCode(verificationId: string): Promise<string> {
  const stack = system.env.ordering;
  const codec = createEventCodec(createRegistryClient(stack.SCHEMA_REGISTRY_URL as string), createTopicNaming(topics, stack.KAFKA_TOPIC_PREFIX));
  const sealer = createSealer({ current: system.env.notifier.EVENT_SEALING_KEY as string });
  return waitFor(async () => {
    for (const m of codes.messages) {
      const event = await codec.decode('account.verification.requested', m.value as Buffer);
      if (event.verificationId === verificationId) return sealer.open(event.sealedCode as string, sealedFieldContext.verificationCode(verificationId));
    }
    return undefined;
  });
}

/** A new retailer through the public sign-up, with the SMS code. */
async function signUpRetailer(name: string): Promise<string> {
  const phone = `010${String(randomBytes(4).readUInt32BE(0) % 100_000_000).padStart(8, '0')}`;
  const started = await ok(call('POST', '/v1/auth/verifications', { body: { phone, purpose: 'SIGN_UP' } }), 202).catch(async () =>
    ok(call('POST', '/v1/auth/verifications', { body: { phone, purpose: 'SIGN_UP' } }), 201),
  );
  const code = await verificationCode(started.body.verificationId);
  const password = `story-${randomBytes(6).toString('hex')}1`;
  const signedUp = await call('POST', '/v1/auth/sign-up', {
    body: { verificationId: started.body.verificationId, code, phone, name, password, role: 'RETAILER' },
  });
  expect([200, 201]).toContain(signedUp.status);
  return signedUp.body.tokens.accessToken as string;
}

function seedDemo(): { password: string; phones: Record<string, string> } {
  const result = spawnSync(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(__dirname, '..', '..', 'services', 'ordering', 'dist', 'seed-demo.js')], {
    env: { PATH: process.env.PATH ?? '', ...system.env.ordering },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`seed-demo failed: ${result.stderr}`);
  const password = /password\s+(\S+)/.exec(result.stdout)?.[1] as string;
  const phones = Object.fromEntries([...result.stdout.matchAll(/^\s+(admin|retailer|owner|staff)\s+(\d{11})/gm)].map((m) => [m[1], m[2]]));
  return { password, phones: phones as Record<string, string> };
}

describe('the MarketBill story through the REST edge', () => {
  it('When a florist signs up, orders and the wholesaler prices and issues a statement, then the PDF, the ledger, the SMS log and one trace all agree', async () => {
    // Demo wholesaler (with a business profile) and admin, as `npm run up` seeds them.
    const demo = seedDemo();
    const owner = (await ok(call('POST', '/v1/auth/sign-in', { body: { phone: demo.phones.owner, password: demo.password } }))).body;
    const admin = (await ok(call('POST', '/v1/auth/sign-in', { body: { phone: demo.phones.admin, password: demo.password } }))).body;

    // 1. A new florist signs up with the SMS code.
    const retailerToken = await signUpRetailer('이야기꽃집');

    // 2. The florist applies to the demo wholesaler; the owner approves.
    const wholesalers = await ok(call('GET', '/v1/wholesalers?q=양재', { token: retailerToken }));
    const wholesaler = wholesalers.body.items.find((w: { id: string; name: string }) => w.name === '양재꽃상회');
    expect(wholesaler).toBeDefined();
    const applied = await ok(call('POST', '/v1/connections', { token: retailerToken, body: { wholesalerId: wholesaler.id } }), 201);
    await ok(call('POST', `/v1/connections/${applied.body.id}/decision`, { token: owner.accessToken, body: { decision: 'CONFIRMED' } }));

    // 3. Browse flowers that have auction prices (the synthetic replay day, through catalog).
    const varieties = await waitFor(
      async () => {
        const page = await call('GET', '/v1/catalog/varieties?q=장미&sort=-lastAuctionDate&size=5', { token: retailerToken });
        return page.status === 200 && page.body.items.some((v: { latestAvgPrice: number | null }) => v.latestAvgPrice) ? page.body.items : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: 'priced roses in the catalog' },
    );
    const rose = varieties.find((v: { latestAvgPrice: number | null }) => v.latestAvgPrice);
    const detail = await ok(call('GET', `/v1/catalog/varieties/${rose.id}`, { token: retailerToken }));
    expect(detail.body.latestPrices.length).toBeGreaterThan(0);

    // 4. Fill the cart and order (a retried order with the same key makes no second order).
    // Adding the same variety and grade again replaces the quantity, so retrying until ordering's
    // read model has the variety (it follows auction.price.updated) changes nothing else.
    await waitFor(async () => (await call('POST', `/v1/carts/${wholesaler.id}/lines`, { token: retailerToken, body: { varietyId: rose.id, grade: 'UPPER', quantity: 10 } })).status === 200, {
      timeoutMs: 60_000,
      description: 'the variety in ordering’s read model',
    });
    await ok(call('POST', `/v1/carts/${wholesaler.id}/lines`, { token: retailerToken, body: { varietyId: rose.id, grade: 'MIDDLE', quantity: 5 } }));
    const orderKey = randomUUID();
    const placed = await ok(call('POST', '/v1/orders', { token: retailerToken, body: { wholesalerId: wholesaler.id }, headers: { 'idempotency-key': orderKey } }), 201);
    const again = await ok(call('POST', '/v1/orders', { token: retailerToken, body: { wholesalerId: wholesaler.id }, headers: { 'idempotency-key': orderKey } }), 201);
    expect(again.body.id).toBe(placed.body.id);
    const orderId = placed.body.id as string;

    // 5. The wholesaler prices every line (from the suggestions).
    const suggestions = await ok(call('GET', `/v1/orders/${orderId}/price-suggestions`, { token: owner.accessToken }));
    const lines = placed.body.lines.map((line: { id: string }) => ({
      lineId: line.id,
      unitPrice: suggestions.body.items.find((s: { lineId: string }) => s.lineId === line.id)?.suggestion?.unitPrice ?? 10_000,
    }));
    const priced = await ok(call('PATCH', `/v1/orders/${orderId}/prices`, { token: owner.accessToken, body: { lines } }));
    expect(priced.body.priceState).toBe('PRICED');
    const expectedTotal = priced.body.lines.reduce((sum: number, l: { quantity: number; unitPrice: number }) => sum + l.quantity * l.unitPrice, 0);
    expect(priced.body.total).toBe(expectedTotal);

    // 6. Issue the statement, inside a trace we start here (traceparent), and download the PDF.
    const traceId = randomBytes(16).toString('hex');
    const issued = await ok(
      call('POST', '/v1/statements', {
        token: owner.accessToken,
        body: { orderIds: [orderId] },
        headers: { 'idempotency-key': randomUUID(), traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      }),
      201,
    );
    expect(issued.body.total).toBe(expectedTotal);
    expect(issued.body.lines).toHaveLength(2);
    const link = await ok(call('GET', `/v1/statements/${issued.body.id}/download`, { token: retailerToken }));
    const pdf = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(issued.body.document.sha256);

    const ledger = await ok(call('GET', `/v1/ledger?wholesalerId=${wholesaler.id}`, { token: retailerToken }));
    expect(ledger.body.balance).toBe(expectedTotal);

    // Another retailer sees nothing of it; staff may read it but not issue; the retailer may not issue.
    const stranger = await signUpRetailer('다른꽃집');
    expect((await call('GET', `/v1/statements/${issued.body.id}`, { token: stranger })).status).toBe(404);
    expect((await call('GET', `/v1/statements/${issued.body.id}/download`, { token: stranger })).status).toBe(404);
    expect((await ok(call('GET', '/v1/statements', { token: stranger }))).body.total).toBe(0);
    const staff = (await ok(call('POST', '/v1/auth/sign-in', { body: { phone: demo.phones.staff, password: demo.password } }))).body;
    expect((await ok(call('GET', `/v1/statements/${issued.body.id}`, { token: staff.accessToken }))).body.number).toBe(issued.body.number);
    expect((await call('POST', `/v1/statements/${issued.body.id}/reissue`, { token: staff.accessToken })).status).toBe(403);
    expect((await call('POST', '/v1/statements', { token: retailerToken, body: { orderIds: [orderId] } })).status).toBe(403);

    // 7. The SMS log (admin): the code, the connection, the new order, the statement.
    const sms = await waitFor(
      async () => {
        const page = await call('GET', '/v1/admin/sms-deliveries?size=100', { token: admin.accessToken });
        const templates = new Set(page.body.items.map((d: { template: string }) => d.template));
        return templates.size >= 5 ? page.body.items : undefined;
      },
      { timeoutMs: 60_000, description: 'the story’s SMS in the delivery log' },
    );
    expect(sms.every((d: { recipient: string }) => /\*{4}/.test(d.recipient))).toBe(true);
    expect((await call('GET', '/v1/admin/sms-deliveries', { token: retailerToken })).status).toBe(403);

    // 8. One trace: the edge's request → billing's HTTP handler → billing's statement.issued
    //    publish → the notifier consuming it.
    const spans = await waitFor(
      () => {
        const inTrace = otlp.spans.filter((s) => s.traceId === traceId);
        const services = new Set(inTrace.map((s) => s.service));
        // Each service exports its spans in its own batches: wait until both ends of the hop are in.
        return services.has('ordering') &&
          inTrace.some((s) => s.service === 'billing' && s.name.endsWith('statement.issued publish')) &&
          inTrace.some((s) => s.service === 'notifier' && s.name.endsWith('statement.issued process'))
          ? inTrace
          : undefined;
      },
      { timeoutMs: 60_000, description: 'spans of ordering, billing and notifier in one trace' },
    );
    const publish = spans.find((s) => s.service === 'billing' && s.name.endsWith('statement.issued publish'));
    const consume = spans.find((s) => s.service === 'notifier' && s.name.endsWith('statement.issued process'));
    expect(publish).toBeDefined();
    expect(consume?.parentSpanId).toBe(publish?.spanId);
    // Every service read the sampler from its environment: the sign-ups, orders, imports and
    // consumers of the story started traces of their own, and none of them was exported.
    expect(new Set(otlp.spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
  });
});
