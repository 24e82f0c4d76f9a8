import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Client } from 'pg';
import { actorHeaders, createLogger } from '@marketbill/platform';
import { bindTopics, createEventCodec, createKafka, createRegistryClient, createTopicNaming } from '@marketbill/messaging';
import { type OrderSnapshot, type TopicEvents, type TopicName, TOPICS } from '@marketbill/schemas';
import { startSystem, waitFor, type RunningSystem, type ServiceProcess } from '@marketbill/testing';
import { call, ok, seedDemo, signIn } from '../support/edge';

const topics = bindTopics<TopicEvents>(TOPICS);

// A process killed with SIGKILL mid-request leaves claims behind: an idempotency key in flight, a
// statement reservation, Kafka partitions. Each must be taken over within seconds by the replica
// that is still alive — not after a fixed lease of a minute, or a 30 s session time-out.
jest.setTimeout(240_000);

let system: RunningSystem | undefined;
const cleanup: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup.length = 0;
  await system?.stop();
  system = undefined;
});

async function sql<T extends Record<string, unknown>>(env: Record<string, string>, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text.replace(/\$schema/g, `"${env.DATABASE_SCHEMA}"`), params)).rows;
  } finally {
    await client.end();
  }
}

describe('crash recovery', () => {
  it('When the edge is killed while it holds an idempotency claim, then a retry with the same key on the other replica is served within seconds, and the order exists once', async () => {
    system = await startSystem({ services: ['ordering'] });
    const first = system.processes.ordering[0] as ServiceProcess;
    const second = await system.addReplica('ordering');
    const env = system.env.ordering;
    const demo = seedDemo(env);
    const retailer = await signIn(second.url, demo.phones.retailer, demo.password);
    const owner = await signIn(second.url, demo.phones.owner, demo.password);
    const varietyId = randomUUID();
    await sql(env, `insert into $schema.catalog_varieties values ($1, gen_random_uuid(), 'CUT_FLOWER', '장미', '레드나오미', now())`, [varietyId]);
    await ok(call(second.url, 'POST', `/v1/carts/${owner.wholesalerId}/lines`, { token: retailer.token, body: { varietyId, grade: 'UPPER', quantity: 3 } }));

    // Hold the cart row, so the order request stops inside its transaction, its claim taken.
    const holder = new Client({ connectionString: env.DATABASE_URL });
    await holder.connect();
    cleanup.push(() => holder.end());
    await holder.query('begin');
    await holder.query(`select 1 from "${env.DATABASE_SCHEMA}".carts where retailer_id = $1 for update`, [retailer.accountId]);
    const key = `order-${randomUUID()}`;
    const order = { wholesalerId: owner.wholesalerId };
    const abandoned = call(first.url, 'POST', '/v1/orders', { token: retailer.token, body: order, headers: { 'idempotency-key': key } });
    await waitFor(async () => (await sql(env, `select 1 from $schema.idempotency_keys where key = $1 and status_code is null`, [key])).length === 1, {
      description: 'the first request to claim its key',
    });
    await first.kill('SIGKILL');
    const killedAt = Date.now();
    expect((await abandoned).status).toBe(0); // the client saw the connection drop
    await holder.query('commit');

    // The retry goes to the surviving replica: served as soon as the claim's owner is known gone.
    const retried = await waitFor(
      async () => {
        const answer = await call(second.url, 'POST', '/v1/orders', { token: retailer.token, body: order, headers: { 'idempotency-key': key } });
        if (answer.status === 409 && answer.body.code === 'idempotency-key-in-flight') return undefined;
        return answer;
      },
      { timeoutMs: 70_000, intervalMs: 250, description: 'the retry to be served' },
    );
    const tookMs = Date.now() - killedAt;
    process.stderr.write(`crash recovery: the killed edge's idempotency claim was taken over ${tookMs} ms after kill -9\n`);
    expect(retried.status).toBe(201);
    expect(tookMs).toBeLessThan(10_000);
    const again = await call(second.url, 'POST', '/v1/orders', { token: retailer.token, body: order, headers: { 'idempotency-key': key } });
    expect([again.status, again.body.id]).toEqual([201, retried.body.id]);
    const orders = await sql<{ n: string }>(env, `select count(*) as n from $schema.orders where retailer_id = $1`, [retailer.accountId]);
    expect(Number(orders[0]?.n)).toBe(1);
  });

  it('When billing is killed in the middle of an issue, then the other replica finishes the reserved statement within seconds, and a killed consumer’s partitions move within the session time-out', async () => {
    // Billing A stores PDFs through a proxy in front of the real store that passes everything but
    // object uploads, which it takes and never answers: A's issue stops there, the reservation
    // taken. Billing B uses the store directly and resumes every second.
    system = await startSystem({
      services: ['billing'],
      perService: { billing: { STATEMENT_RESUME_INTERVAL_SECONDS: '1', KAFKA_TOPIC_PARTITIONS: '6', KAFKA_PARTITIONS_CONCURRENCY: '6' } },
    });
    const first = system.processes.billing[0] as ServiceProcess;
    await first.stop();
    const s3 = first.env.S3_ENDPOINT as string;
    const store = new URL(s3);
    const holding: Server = createServer((req, res) => {
      const isUpload = req.method === 'PUT' && (req.url ?? '/').split('?')[0]!.split('/').filter(Boolean).length >= 2;
      if (isUpload) return; // taken, never answered
      const forward = httpRequest({ host: store.hostname, port: store.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => holding.listen(0, '127.0.0.1', resolve));
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          holding.closeAllConnections();
          holding.close(() => resolve());
        }),
    );
    const a = await system.addReplica('billing', { S3_ENDPOINT: `http://127.0.0.1:${(holding.address() as AddressInfo).port}` });
    const b = await system.addReplica('billing', { S3_ENDPOINT: s3 });
    const env = system.env.billing;

    const logger = createLogger({ service: 'crash-test', level: 'silent' });
    const naming = createTopicNaming(topics, env.KAFKA_TOPIC_PREFIX);
    const codec = createEventCodec(createRegistryClient(env.SCHEMA_REGISTRY_URL as string), naming);
    const kafka = createKafka({ brokers: (env.KAFKA_BROKERS as string).split(','), clientId: 'crash-test', logger });
    const producer = kafka.producer();
    await producer.connect();
    cleanup.push(() => producer.disconnect());
    async function produce<T extends TopicName>(topic: T, key: string, event: TopicEvents[T]): Promise<void> {
      await producer.send({ topic: naming.topic(topic), acks: -1, messages: [{ key, value: await codec.encode(topic, event) }] });
    }

    const wholesalerId = randomUUID();
    const retailerId = randomUUID();
    await produce('wholesaler.profile.updated', wholesalerId, profile(wholesalerId));
    const priced = order(wholesalerId, retailerId, 1);
    await produce('order.updated', priced.orderId, { eventId: randomUUID(), occurredAt: Date.now(), change: 'PRICES_SET', order: priced });
    await waitFor(async () => (await sql(env, `select 1 from $schema.order_sheet where order_id = $1`, [priced.orderId])).length === 1, {
      timeoutMs: 60_000,
      description: 'billing to know the order',
    });

    // Billing's internal API, called as ordering calls it (its own token for billing).
    const orderingToken = /(?:^|,)ordering=([^,]+)/.exec(env.INTERNAL_API_CALLERS ?? '')?.[1];
    const headers = { authorization: `Bearer ${orderingToken}`, ...actorHeaders({ accountId: wholesalerId, role: 'WHOLESALER_OWNER', wholesalerId }) };
    const stuck = call(a.url, 'POST', '/internal/v1/statements', { headers, body: { orderIds: [priced.orderId] } });
    await waitFor(async () => (await sql(env, `select 1 from $schema.statement where status = 'RESERVED'`)).length === 1, {
      description: 'the reservation of the first attempt',
    });
    await a.kill('SIGKILL');
    const killedAt = Date.now();
    expect((await stuck).status).toBe(0);

    const [issued] = await waitFor(
      async () => {
        const rows = await sql<{ id: string; number: string }>(env, `select id, number from $schema.statement where status = 'ISSUED'`);
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 70_000, intervalMs: 200, description: 'the surviving replica to issue the reserved statement' },
    );
    const resumedMs = Date.now() - killedAt;
    process.stderr.write(`crash recovery: the killed billing's reservation was issued by the other replica ${resumedMs} ms after kill -9\n`);
    expect(resumedMs).toBeLessThan(10_000);
    expect(issued?.number.endsWith('-00001')).toBe(true);
    expect(await sql(env, `select 1 from $schema.statement`)).toHaveLength(1);
    expect(await sql(env, `select 1 from $schema.ledger_entry where kind = 'CHARGE'`)).toHaveLength(1);

    // The killed replica also held partitions of order.updated. Events for every partition are
    // produced right after the kill; all of them reach billing B once the group gives B the
    // partitions — after the session time-out (10 s), not 30 s.
    const c = await system.addReplica('billing', { S3_ENDPOINT: s3 });
    await waitFor(async () => {
      const detail = await call(c.url, 'GET', '/health/detail');
      return detail.body?.components?.messaging?.consumer?.inGroup === true;
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // let the group settle with three members
    await c.kill('SIGKILL');
    const consumerKilledAt = Date.now();
    const orders = Array.from({ length: 24 }, () => order(wholesalerId, retailerId, 1));
    for (const o of orders) await produce('order.updated', o.orderId, { eventId: randomUUID(), occurredAt: Date.now(), change: 'PRICES_SET', order: o });
    await waitFor(
      async () => {
        const rows = await sql<{ n: string }>(env, `select count(*) as n from $schema.order_sheet where order_id = any($1::uuid[])`, [orders.map((o) => o.orderId)]);
        return Number(rows[0]?.n) === orders.length;
      },
      { timeoutMs: 90_000, intervalMs: 200, description: 'every order, whichever partition the killed replica held' },
    );
    const movedMs = Date.now() - consumerKilledAt;
    process.stderr.write(`crash recovery: every event on the killed consumer's partitions was applied ${movedMs} ms after kill -9\n`);
    expect(movedMs).toBeLessThan(20_000);
    expect(b.running()).toBe(true);
  });
});

function profile(wholesalerId: string): TopicEvents['wholesaler.profile.updated'] {
  return {
    eventId: randomUUID(),
    occurredAt: Date.now(),
    wholesalerId,
    version: 1,
    shopName: '양재꽃상회',
    ownerPhone: null,
    sealedOwnerPhone: null,
    businessNumber: '2208162517',
    companyName: '양재꽃상회',
    representative: '김꽃님',
    address: '서울특별시 서초구 강남대로 27',
    phone: '02-579-1234',
    businessType: '도소매',
    businessItem: '화훼',
    bankAccount: '농협 123-4567-8901-23 김꽃님',
    sealImageUrl: null,
  };
}

function order(wholesalerId: string, retailerId: string, version: number): OrderSnapshot {
  const lineId = randomUUID();
  return {
    orderId: randomUUID(),
    orderNumber: `261126-${String(Math.floor(Math.random() * 999_999)).padStart(6, '0')}`,
    version,
    status: 'PLACED',
    placement: 'MANUAL',
    placedAt: Date.now(),
    saleDay: '2026-11-26',
    retailer: { id: retailerId, name: '꽃담플라워', phone: null, sealedPhone: 's1.opaque' },
    wholesaler: { id: wholesalerId, name: '양재꽃상회', phone: null, sealedPhone: 's1.opaque' },
    memo: null,
    fulfilment: { method: 'PICKUP', state: 'PENDING', address: null },
    lines: [{ lineId, kind: 'ITEM', varietyId: randomUUID(), itemName: '장미', varietyName: '레드나오미', grade: 'UPPER', quantity: 4, unitPrice: 2_500, amount: 10_000, memo: null }],
    priceState: 'PRICED',
    total: 10_000,
    pricedAt: Date.now(),
  };
}
