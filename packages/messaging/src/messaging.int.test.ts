import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { AppError, createLogger, createOrm, migrate, sleep, type Orm } from '@marketbill/platform';
import { startTelemetry } from '@marketbill/platform/telemetry';
import { type OrderUpdated, type TopicEvents, TOPICS } from '@marketbill/schemas';
import { createTcpGate, dropSchema, query, readTopic, serviceDatabase, stackEnv, uniqueName, uniqueTopicPrefix, waitFor } from '@marketbill/testing';
import {
  bindTopics,
  checkCompatibility,
  createMessaging,
  createOutboxRelay,
  createRegistryClient,
  type Messaging,
  messagingMigrations,
  type MessagingOptions,
  OutboxMessageSchema,
  encodeBody,
  schemaFingerprint,
  SchemaIncompatibleError,
  type Subscription,
} from './index';

const topics = bindTopics<TopicEvents>(TOPICS);
const { on, publish, publishMany } = topics;

// Spans of this file's process, in memory, to prove one trace spans producer and consumer.
const spans = new InMemorySpanExporter();
startTelemetry({ serviceName: 'messaging-test', spanProcessors: [new SimpleSpanProcessor({ exporter: spans })], instrument: false });

const env = stackEnv();
const logger = createLogger({ service: 'messaging-test', level: 'silent' });
let schema: string;
let databaseUrl: string;
let orm: Orm;
let running: Messaging<TopicEvents>[] = [];
/** The consumer mode of the scenarios being run (set by each describe block). */
let consumerBatchSize = 1;

// Every test gets its own schema (hence its own outbox, inbox and relay lock) and its own topics.
beforeEach(async () => {
  schema = uniqueName('msg');
  // As a service runs it: its own role, owner of its schema only (no superuser).
  databaseUrl = (await serviceDatabase(env.DATABASE_URL, 'messaging', schema)).url;
  orm = await createOrm({ url: databaseUrl, schema, entities: [OutboxMessageSchema], migrations: messagingMigrations });
  await migrate(orm, databaseUrl);
  await orm.em.getConnection().execute(`create table "${schema}".received (
    seq bigint generated always as identity primary key, group_id text not null, event_id uuid not null, order_id text not null, version int not null)`);
  await orm.em.getConnection().execute(`create table "${schema}".orders (order_id text primary key, version int not null)`);
});

afterEach(async () => {
  for (const m of running) await m.stop().catch(() => undefined);
  running = [];
  await orm.close();
  await dropSchema(env.DATABASE_URL, schema);
});

function orderEvent(orderId: string, version: number, memo: string | null = null): OrderUpdated {
  const party = (name: string) => ({ id: randomUUID(), name, phone: null, sealedPhone: 's1.opaque' });
  return {
    eventId: randomUUID(),
    occurredAt: Date.now(),
    change: 'PRICES_SET',
    order: {
      orderId,
      orderNumber: `261125-${String(version).padStart(6, '0')}`,
      version,
      status: 'PLACED',
      placement: 'MANUAL',
      placedAt: Date.now(),
      saleDay: '2026-11-25',
      retailer: party('꽃담플라워'),
      wholesaler: party('양재꽃상회'),
      memo,
      fulfilment: { method: 'PICKUP', state: 'PENDING', address: null },
      lines: [],
      priceState: 'UNPRICED',
      total: 0,
      pricedAt: null,
    },
  };
}

/** Writes a state change and its event in one transaction, as a service does. */
async function writeOrderChange(event: OrderUpdated): Promise<void> {
  await orm.em.fork().transactional(async (em) => {
    await em.getConnection().execute(
      `insert into "${schema}".orders (order_id, version) values (?, ?) on conflict (order_id) do update set version = excluded.version`,
      [event.order.orderId, event.order.version],
      'run',
      em.getTransactionContext(),
    );
    publish(em, 'order.updated', event.order.orderId, event);
  });
}

/** A handler that records what it received, in the same transaction as the inbox entry. */
function recordingHandler(group: string, behaviour: (event: OrderUpdated) => void = () => undefined): Subscription {
  return on('order.updated', async (event, ctx) => {
    behaviour(event);
    await ctx.em
      .getConnection()
      .execute(
        `insert into "${schema}".received (group_id, event_id, order_id, version) values (?, ?, ?, ?)`,
        [group, event.eventId, event.order.orderId, event.order.version],
        'run',
        ctx.em.getTransactionContext(),
      );
  });
}

async function startMessaging(service: string, prefix: string, subscriptions: Subscription[], extra: Partial<MessagingOptions<TopicEvents>> = {}) {
  const messaging = createMessaging({
    service,
    brokers: env.KAFKA_BROKERS.split(','),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
    databaseUrl,
    orm,
    logger,
    topics,
    publishes: ['order.updated'],
    subscriptions,
    topicPrefix: prefix,
    partitions: 3,
    initialRetryDelayMs: 20,
    consumerBatchSize,
    ...extra,
  });
  running.push(messaging);
  await messaging.start();
  return messaging;
}

async function received(group: string) {
  return query<{ event_id: string; order_id: string; version: number }>(
    env.DATABASE_URL,
    `select event_id, order_id, version from "${schema}".received where group_id = $1 order by seq`,
    [group],
  );
}

jest.setTimeout(90_000);

// Every scenario runs in both consumer modes: one transaction per message, and batches.
describe.each([
  ['one transaction per message', 1],
  ['batches of 50 messages per transaction', 50],
])('messaging platform against the real stack (%s)', (_mode, batchSize) => {
  beforeEach(() => {
    consumerBatchSize = batchSize;
  });

  it('When services write events through the outbox, then each reaches the consumer once and in order per key', async () => {
    const group = uniqueName('svc');
    const messaging = await startMessaging(group, uniqueTopicPrefix(), [recordingHandler(group)]);
    const orders = Array.from({ length: 5 }, () => randomUUID());
    for (let version = 1; version <= 6; version++) {
      await Promise.all(orders.map((id) => writeOrderChange(orderEvent(id, version))));
    }

    const rows = await waitFor(async () => ((await received(group)).length >= 30 ? received(group) : undefined), {
      description: '30 events consumed',
    });
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(30);
    for (const id of orders) {
      expect(rows.filter((r) => r.order_id === id).map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6]);
    }
    await messaging.relay.drained();
    const [{ pending }] = (await query<{ pending: string }>(env.DATABASE_URL, `select count(*) as pending from "${schema}".outbox`)) as [{ pending: string }];
    expect(Number(pending)).toBe(0);
  });

  it('When a message is delivered twice, then the second delivery changes nothing', async () => {
    const group = uniqueName('svc');
    const prefix = uniqueTopicPrefix();
    const messaging = await startMessaging(group, prefix, [recordingHandler(group)]);
    const event = orderEvent(randomUUID(), 1);
    await writeOrderChange(event);
    await waitFor(async () => (await received(group)).length === 1, { description: 'first delivery' });

    // Redeliver the very bytes Kafka holds, as a producer retry or a replay would.
    const reader = await readTopic(messaging.kafka, `${prefix}order.updated`);
    const [original] = await reader.waitForCount(1);
    await reader.stop();
    await messaging.producer.send({ topic: `${prefix}order.updated`, messages: [{ key: original!.key, value: original!.value, headers: original!.headers }] });

    await waitFor(() => messaging.subscriber!.stats().duplicates >= 1, { description: 'the duplicate to be seen' });
    expect(await received(group)).toHaveLength(1);
  });

  it('When a poisoned message arrives, then it lands in the DLQ with the reason and the next message is still processed', async () => {
    const group = uniqueName('svc');
    const prefix = uniqueTopicPrefix();
    // The flaky event fails its first attempt only. In batch mode that attempt may be the chunk's
    // transaction (when Kafka hands v3 over with v4 and without the poisoned ones) or its own; the
    // counts below hold either way, whatever the fetch grouped together.
    let flakyAttempts = 0;
    const messaging = await startMessaging(group, prefix, [
      recordingHandler(group, (event) => {
        if (event.order.memo === 'refuse') {
          throw new AppError({ code: 'order-refused', message: 'this order is refused by the handler' });
        }
        if (event.order.memo === 'bug') (undefined as unknown as { x: number }).x.toFixed();
        if (event.order.memo === 'flaky' && ++flakyAttempts === 1) {
          throw new AppError({ code: 'database-busy', message: 'try again', retriable: true });
        }
      }),
    ]);
    const topic = `${prefix}order.updated`;
    const key = randomUUID();
    await messaging.producer.send({ topic, messages: [{ key, value: Buffer.from('not avro at all') }] });
    // The wire format, but a schema id the registry (answering normally) has never handed out.
    const unknownId = Buffer.alloc(9);
    unknownId.writeInt32BE(2_000_000_000, 1);
    await messaging.producer.send({ topic, messages: [{ key, value: unknownId }] });
    await writeOrderChange(orderEvent(key, 1, 'refuse'));
    await writeOrderChange(orderEvent(key, 2, 'bug'));
    await writeOrderChange(orderEvent(key, 3, 'flaky'));
    await writeOrderChange(orderEvent(key, 4));

    const rows = await waitFor(async () => ((await received(group)).length >= 2 ? received(group) : undefined), {
      description: 'the good events after the poisoned ones',
    });
    expect(rows.map((r) => r.version)).toEqual([3, 4]);

    const dlq = await readTopic(messaging.kafka, `${topic}.dlq`);
    const dead = await dlq.waitForCount(4);
    await dlq.stop();
    const byCode = Object.fromEntries(dead.map((m) => [m.headers['dlq-error-code'], m]));
    expect(Object.keys(byCode).sort()).toEqual(['handler-failed', 'order-refused', 'undecodable-message', 'unknown-schema-id']);
    expect(byCode['undecodable-message']!.value!.toString()).toBe('not avro at all');
    expect(byCode['order-refused']!.headers['dlq-reason']).toContain('refused by the handler');
    expect(byCode['handler-failed']!.headers['dlq-attempts']).toBe('1'); // a bug is never retried
    for (const m of dead) {
      expect(m.headers['dlq-consumer-group']).toBe(`${prefix}${group}`); // the prefix isolates the group too
      expect(m.headers['dlq-original-topic']).toBe(topic);
      expect(m.key).toBe(key);
    }
    expect(messaging.subscriber!.stats()).toMatchObject({ processed: 2, deadLettered: 4, pauses: 0 });
    // The retriable failure was tried again (in place, or as the failed chunk's one-by-one replay),
    // exactly once more, and went through: never dead-lettered, never a wait.
    expect(flakyAttempts).toBe(2);
    expect(messaging.subscriber!.stats().retried).toBeGreaterThanOrEqual(1);
  });

  it('When the relay stops part-way and a new one starts, then nothing is lost or duplicated downstream', async () => {
    const group = uniqueName('svc');
    const prefix = uniqueTopicPrefix();
    // The consumer side only; relays are started by hand below.
    const consumer = await startMessaging(group, prefix, [recordingHandler(group)]);
    await consumer.relay.stop();

    const events = Array.from({ length: 200 }, (_, i) => orderEvent(randomUUID(), 1 + (i % 3)));
    for (const e of events) await writeOrderChange(e);

    const relayOptions = {
      databaseUrl: env.DATABASE_URL,
      schema,
      producer: consumer.producer,
      codec: consumer.codec,
      naming: consumer.naming,
      logger,
      service: group,
      batchSize: 10,
    };
    const first = createOutboxRelay(relayOptions);
    first.start();
    await waitFor(() => first.status().published >= 50, { description: 'the first relay to publish some events' });
    await first.stop();
    expect(first.status().published).toBeLessThan(200);

    // A crash after Kafka acknowledged but before the rows were deleted: put 20 sent events back.
    const sent = events.slice(0, 20);
    await orm.em.fork().transactional(async (em) => {
      for (const e of sent) publish(em, 'order.updated', e.order.orderId, e);
    });

    const second = createOutboxRelay(relayOptions);
    second.start();
    try {
      const rows = await waitFor(async () => ((await received(group)).length >= 200 ? received(group) : undefined), {
        timeoutMs: 60_000,
        description: 'all 200 events downstream',
      });
      await second.drained();
      await waitFor(() => consumer.subscriber!.stats().duplicates >= 20, { description: 'the resent events to be dropped' });
      const again = await received(group);
      expect(again).toHaveLength(200);
      expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(events.map((e) => e.eventId)));
    } finally {
      await second.stop();
    }
  });

  it('When two relays run on one schema, then only one publishes', async () => {
    const group = uniqueName('svc');
    const messaging = await startMessaging(group, uniqueTopicPrefix(), []);
    const other = createOutboxRelay({
      databaseUrl: env.DATABASE_URL,
      schema,
      producer: messaging.producer,
      codec: messaging.codec,
      naming: messaging.naming,
      logger,
      service: group,
      standbyIntervalMs: 50,
    });
    other.start();
    try {
      await waitFor(() => messaging.relay.status().active || other.status().active, { description: 'one relay active' });
      // Give the standby several chances to (wrongly) take over.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect([messaging.relay.status().active, other.status().active].filter(Boolean)).toHaveLength(1);
    } finally {
      await other.stop();
    }
  });

  it('When a request writes an event, then one trace spans the request, the publish and the consumer', async () => {
    const group = uniqueName('svc');
    const prefix = uniqueTopicPrefix();
    let handlerTraceId: string | undefined;
    await startMessaging(group, prefix, [
      recordingHandler(group, () => {
        handlerTraceId = trace.getActiveSpan()?.spanContext().traceId;
      }),
    ]);
    const tracer = trace.getTracer('test');
    const root = tracer.startSpan('POST /v1/orders');
    const event = orderEvent(randomUUID(), 1);
    await context.with(trace.setSpan(context.active(), root), () => writeOrderChange(event));
    root.end();
    const traceId = root.spanContext().traceId;

    await waitFor(async () => (await received(group)).length === 1, { description: 'the event consumed' });
    const inTrace = await waitFor(() => {
      const found = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
      return found.some((s) => s.name.endsWith('process')) ? found : undefined;
    });
    const publishSpan = inTrace.find((s) => s.name === `${prefix}order.updated publish`);
    const processSpan = inTrace.find((s) => s.name === `${prefix}order.updated process`);
    expect(publishSpan?.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(processSpan?.parentSpanContext?.spanId).toBe(publishSpan?.spanContext().spanId);
    expect(handlerTraceId).toBe(traceId);
  });

  it('When one fetched batch holds a poisoned event between good ones, then the good ones are processed once and only the poisoned one is dead-lettered', async () => {
    const prefix = uniqueTopicPrefix();
    // Events wait in Kafka before the consumer starts, so they arrive together in one batch.
    const producer = await startMessaging(uniqueName('svc'), prefix, []);
    const orderId = randomUUID();
    for (let version = 1; version <= 5; version++) await writeOrderChange(orderEvent(orderId, version, version === 3 ? 'refuse' : null));
    await producer.relay.drained();

    const group = uniqueName('svc');
    const consumer = await startMessaging(group, prefix, [
      recordingHandler(group, (event) => {
        if (event.order.memo === 'refuse') throw new AppError({ code: 'order-refused', message: 'refused' });
      }),
    ]);
    const rows = await waitFor(async () => ((await received(group)).length >= 4 ? received(group) : undefined), { description: 'the four good events' });
    expect(rows.map((r) => r.version)).toEqual([1, 2, 4, 5]);
    const dlq = await readTopic(consumer.kafka, `${prefix}order.updated.dlq`);
    const [dead] = await dlq.waitForCount(1);
    await dlq.stop();
    expect(dead!.headers['dlq-error-code']).toBe('order-refused');
    expect(consumer.subscriber!.stats()).toMatchObject({ processed: 4, deadLettered: 1 });
  });

  it('When a schema change is not BACKWARD compatible, then the registry refuses it and the check reports it', async () => {
    const registry = createRegistryClient(env.SCHEMA_REGISTRY_URL);
    const v1 = JSON.stringify({
      type: 'record',
      name: 'Probe',
      doc: 'test',
      fields: [{ name: 'eventId', type: 'string', doc: 'id' }],
    });
    const compatible = JSON.stringify({
      type: 'record',
      name: 'Probe',
      doc: 'test',
      fields: [
        { name: 'eventId', type: 'string', doc: 'id' },
        { name: 'note', type: ['null', 'string'], default: null, doc: 'added with a default' },
      ],
    });
    const incompatible = JSON.stringify({
      type: 'record',
      name: 'Probe',
      doc: 'test',
      fields: [
        { name: 'eventId', type: 'string', doc: 'id' },
        { name: 'amount', type: 'long', doc: 'added without a default' },
      ],
    });
    const subject = `${uniqueName('compat')}-value`;
    try {
      await registry.register(subject, v1);
      await expect(registry.register(subject, incompatible)).rejects.toBeInstanceOf(SchemaIncompatibleError);
      await expect(registry.register(subject, compatible)).resolves.toEqual(expect.any(Number));
    } finally {
      await registry.deleteSubject(subject);
    }
    await expect(checkCompatibility(registry, 'probe', v1, incompatible)).resolves.toMatchObject({ compatible: false });
    await expect(checkCompatibility(registry, 'probe', v1, compatible)).resolves.toMatchObject({ compatible: true });
  });
});

describe('batch handlers', () => {
  beforeEach(() => {
    consumerBatchSize = 100;
  });

  it('When a batch handler is given, then whole chunks go through it once, and a failing chunk is replayed event by event', async () => {
    const prefix = uniqueTopicPrefix();
    const producer = await startMessaging(uniqueName('svc'), prefix, []);
    const orderId = randomUUID();
    for (let version = 1; version <= 6; version++) await writeOrderChange(orderEvent(orderId, version, version === 4 ? 'refuse' : null));
    const repeated = orderEvent(randomUUID(), 1);
    await writeOrderChange(repeated);
    await producer.relay.drained();

    const group = uniqueName('svc');
    const chunks: number[][] = [];
    const perEvent = recordingHandler(group, (event) => {
      if (event.order.memo === 'refuse') throw new AppError({ code: 'order-refused', message: 'refused' });
    });
    const consumer = await startMessaging(group, prefix, [
      on('order.updated', perEvent.handler as never, async (events, ctx) => {
        chunks.push(events.map((e) => e.order.version));
        if (events.some((e) => e.order.memo === 'refuse')) throw new AppError({ code: 'order-refused', message: 'refused' });
        for (const e of events) {
          await ctx.em
            .getConnection()
            .execute(`insert into "${schema}".received (group_id, event_id, order_id, version) values (?, ?, ?, ?)`, [group, e.eventId, e.order.orderId, e.order.version], 'run', ctx.em.getTransactionContext());
        }
      }),
    ]);
    const rows = await waitFor(async () => ((await received(group)).length >= 6 ? received(group) : undefined), { description: 'the six good events' });
    expect(rows.filter((r) => r.order_id === orderId).map((r) => r.version)).toEqual([1, 2, 3, 5, 6]);
    expect(rows.filter((r) => r.order_id === repeated.order.orderId)).toHaveLength(1);
    expect(chunks.some((c) => c.length > 1)).toBe(true); // the batch handler saw whole chunks

    // The same bytes again: the six processed events are skipped; only the refused one (never
    // recorded as processed) is tried again, and dead-lettered again.
    const reader = await readTopic(consumer.kafka, `${prefix}order.updated`);
    const messages = await reader.waitForCount(7);
    await reader.stop();
    const calls = chunks.length;
    await consumer.producer.send({ topic: `${prefix}order.updated`, messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) });
    await waitFor(() => consumer.subscriber!.stats().duplicates >= 6 && consumer.subscriber!.stats().deadLettered >= 2, {
      description: 'the repeats to be skipped and the refused one dead-lettered again',
    });
    expect(chunks.slice(calls).flat()).toEqual(chunks.slice(calls).map(() => 4));
    expect(await received(group)).toHaveLength(6);
  });
});

describe('publishMany', () => {
  it('When events are published one by one and then in bulk in one transaction, then they leave in that order; outside a transaction it refuses', async () => {
    const group = uniqueName('svc');
    await startMessaging(group, uniqueTopicPrefix(), [recordingHandler(group)]);
    const orderId = randomUUID();
    await orm.em.fork().transactional(async (em) => {
      const first = orderEvent(orderId, 1);
      publish(em, 'order.updated', orderId, first);
      await publishMany(
        em,
        'order.updated',
        [2, 3, 4].map((v) => ({ key: orderId, event: orderEvent(orderId, v) })),
      );
    });
    const rows = await waitFor(async () => ((await received(group)).length >= 4 ? received(group) : undefined), { description: 'four events' });
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4]);

    await expect(publishMany(orm.em.fork(), 'order.updated', [{ key: orderId, event: orderEvent(orderId, 5) }])).rejects.toThrow(/inside the transaction/);
    const broken = { ...orderEvent(orderId, 6), order: { ...orderEvent(orderId, 6).order, version: 'six' } } as unknown as OrderUpdated;
    await expect(orm.em.fork().transactional((em) => publishMany(em, 'order.updated', [{ key: orderId, event: broken }]))).rejects.toMatchObject({ code: 'invalid-event' });
  });
});

describe('outbox relay', () => {
  it('When a relay of the version before this outbox (it reads only payload) meets a row with a body during a rolling update, then the database refuses its set-aside statement, so it retries instead of setting the event aside', async () => {
    const orderId = randomUUID();
    await writeOrderChange(orderEvent(orderId, 1));
    const [row] = await query<{ id: string }>(env.DATABASE_URL, `select id from "${schema}".outbox`);
    // The statement the relay of the jsonb version ran to set an unencodable row aside.
    await expect(
      query(
        env.DATABASE_URL,
        `insert into "${schema}".outbox_failed (id, event_id, topic, message_key, payload, headers, created_at, reason)
         select id, event_id, topic, message_key, payload, headers, created_at, $2 from "${schema}".outbox where id = $1`,
        [row!.id, 'The order.updated event does not match its schema at: (root)'],
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'outbox_failed_body_or_payload' });
    expect(await query(env.DATABASE_URL, `select id from "${schema}".outbox`)).toHaveLength(1);
  });

  it('When rows were written by another version of the service (a body in a schema it recorded, a payload in the earlier JSON form) or in a schema nobody recorded, then the first two leave in their own writer schema, in order, and the third is set aside with the reason', async () => {
    const group = uniqueName('svc');
    const prefix = uniqueTopicPrefix();
    const messaging = await startMessaging(group, prefix, [recordingHandler(group)]);
    // Every relay session records its catalogue's schemas: the current order.updated is there.
    const own = schemaFingerprint(TOPICS['order.updated']);
    const recorded = await query<{ topic: string; schema: string }>(env.DATABASE_URL, `select topic, schema from "${schema}".outbox_schema where fingerprint = $1`, [own]);
    expect(recorded).toEqual([{ topic: 'order.updated', schema: TOPICS['order.updated'].schema }]);

    await messaging.relay.stop();
    // "Another version": order.updated with one more field (a default keeps it compatible), which
    // writes different bytes — its fingerprint is not the relay's own.
    const other = JSON.parse(TOPICS['order.updated'].schema) as { fields: unknown[] };
    other.fields.push({ name: 'legacyNote', type: 'string', default: '' });
    const otherSpec = { schema: JSON.stringify(other) };
    const orderId = randomUUID();
    const older = { ...orderEvent(orderId, 2), legacyNote: 'from the version before' };
    const unrecordedSpec = { schema: JSON.stringify({ ...other, fields: [...other.fields, { name: 'unrecorded', type: 'int', default: 0 }] }) };
    const unrecorded = { ...orderEvent(orderId, 9), legacyNote: '', unrecorded: 1 };
    await query(env.DATABASE_URL, `insert into "${schema}".outbox_schema (fingerprint, topic, schema) values ($1, 'order.updated', $2)`, [schemaFingerprint(otherSpec), otherSpec.schema]);
    await writeOrderChange(orderEvent(orderId, 1));
    await query(
      env.DATABASE_URL,
      `insert into "${schema}".outbox (event_id, topic, message_key, body, schema_fingerprint) values ($1, 'order.updated', $3, $4, $5), ($2, 'order.updated', $3, $6, $7)`,
      [older.eventId, unrecorded.eventId, orderId, encodeBody('order.updated', otherSpec, older), schemaFingerprint(otherSpec), encodeBody('order.updated', unrecordedSpec, unrecorded), schemaFingerprint(unrecordedSpec)],
    );
    const legacy = orderEvent(orderId, 3);
    await query(env.DATABASE_URL, `insert into "${schema}".outbox (event_id, topic, message_key, payload) values ($1, 'order.updated', $2, $3::jsonb)`, [legacy.eventId, orderId, JSON.stringify(legacy)]);
    await writeOrderChange(orderEvent(orderId, 4));

    const reader = await readTopic(messaging.kafka, `${prefix}order.updated`);
    try {
      messaging.relay.start();
      const rows = await waitFor(async () => ((await received(group)).length >= 4 ? received(group) : undefined), { description: 'four events' });
      expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4]);
      await messaging.relay.drained();
      // The older body left with the id of the schema that wrote it, registered from outbox_schema.
      await reader.waitForCount(4);
      const message = reader.messages.find((m) => m.headers['event-id'] === older.eventId)!;
      const writerSchema = JSON.parse(await messaging.registry.schemaById(message.value!.readInt32BE(1))) as { fields: Array<{ name: string }> };
      expect(writerSchema.fields.map((f) => f.name)).toContain('legacyNote');
      const current = reader.messages.find((m) => m.headers['event-id'] !== older.eventId)!;
      expect(await messaging.registry.schemaById(current.value!.readInt32BE(1))).not.toContain('legacyNote');
    } finally {
      await reader.stop();
    }
    const failed = await query<{ event_id: string; reason: string; body: Buffer }>(env.DATABASE_URL, `select event_id, reason, body from "${schema}".outbox_failed`);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ event_id: unrecorded.eventId, reason: expect.stringMatching(/no process of this service recorded/) });
    expect(failed[0]!.body.equals(encodeBody('order.updated', unrecordedSpec, unrecorded))).toBe(true);
  });

  it('When events are committed while the relay lingers after a round, then they leave together once the linger ends, and the first event after a quiet spell leaves at once', async () => {
    const lingerMs = 1_500;
    const messaging = await startMessaging(uniqueName('svc'), uniqueTopicPrefix(), [], { relayLingerMs: lingerMs });
    await messaging.relay.drained();
    // Every change of the published count, with when it was seen.
    const seen: Array<{ published: number; at: number }> = [];
    const watch = setInterval(() => {
      const { published } = messaging.relay.status();
      if (published !== seen.at(-1)?.published) seen.push({ published, at: Date.now() });
    }, 5);
    try {
      const orderId = randomUUID();
      const quietAt = Date.now();
      await writeOrderChange(orderEvent(orderId, 1));
      await waitFor(async () => (messaging.relay.status().published >= 1 ? true : undefined), { description: 'the first event', intervalMs: 5 });
      // Woken by the NOTIFY: the quiet relay did not linger before it.
      expect(Date.now() - quietAt).toBeLessThan(lingerMs);
      // Three more transactions while the relay lingers after that round.
      for (const version of [2, 3, 4]) await writeOrderChange(orderEvent(orderId, version));
      await waitFor(async () => (messaging.relay.status().published >= 4 ? true : undefined), { description: 'the three events', timeoutMs: 10_000 });
      // In one round, the count going from 1 to 4 in one step...
      const [first, rest] = seen.filter((s) => s.published > 0);
      expect(seen.map((s) => s.published).filter((n) => n > 0)).toEqual([1, 4]);
      // ...not before the linger ended (less the 5 ms between two looks at the count).
      expect(rest!.at - first!.at).toBeGreaterThanOrEqual(lingerMs - 10);
      await messaging.relay.drained();
      expect(await query(env.DATABASE_URL, `select id from "${schema}".outbox`)).toEqual([]);
    } finally {
      clearInterval(watch);
    }
    // stop() does not wait out a linger.
    await writeOrderChange(orderEvent(randomUUID(), 1));
    await waitFor(async () => (messaging.relay.status().published >= 5 ? true : undefined), { description: 'a fifth event', intervalMs: 5 });
    const stopAt = Date.now();
    await messaging.relay.stop();
    expect(Date.now() - stopAt).toBeLessThan(lingerMs / 2);
  });

  it('When a row commits while the relay reads an empty outbox, then its NOTIFY, which arrives with that empty answer, still ends the wait: the event leaves at once, not at the next poll', async () => {
    const pollIntervalMs = 4_000;
    const group = uniqueName('svc');
    const messaging = await startMessaging(group, uniqueTopicPrefix(), []);
    await messaging.relay.stop();
    // The relay's own session through a gate that can hold what Postgres sends back.
    const gate = await createTcpGate(databaseUrl);
    await gate.open();
    const relay = createOutboxRelay({ databaseUrl: gate.through(databaseUrl), schema, producer: messaging.producer, codec: messaging.codec, naming: messaging.naming, logger, service: group, pollIntervalMs });
    relay.start();
    try {
      await relay.drained();
      gate.freeze('answers');
      // The next poll reads the empty outbox; Postgres's answer waits in the gate.
      await waitFor(() => relay.status().round !== undefined, { timeoutMs: pollIntervalMs * 2, intervalMs: 5, description: 'the poll’s round' });
      await sleep(200);
      // Committed after that read began: the NOTIFY queues behind the empty answer.
      await writeOrderChange(orderEvent(randomUUID(), 1));
      await sleep(200);
      const thawedAt = Date.now();
      gate.thaw();
      await waitFor(() => relay.status().published >= 1, { timeoutMs: pollIntervalMs * 2, intervalMs: 5, description: 'the event to leave' });
      expect(Date.now() - thawedAt).toBeLessThan(pollIntervalMs / 2);
    } finally {
      gate.thaw();
      await relay.stop();
      await gate.close();
    }
  });

  it('When outbox rows cannot be sent (an unknown topic, a payload its schema refuses), then they are set aside with the reason and the events around them leave once, in order', async () => {
    const group = uniqueName('svc');
    const messaging = await startMessaging(group, uniqueTopicPrefix(), [recordingHandler(group)]);
    // Rows written while the relay is stopped leave in one batch: the good and the bad together.
    await messaging.relay.stop();
    const orderId = randomUUID();
    await writeOrderChange(orderEvent(orderId, 1));
    const unknownTopic = randomUUID();
    const refused = randomUUID();
    await query(env.DATABASE_URL, `insert into "${schema}".outbox (event_id, topic, message_key, payload) values ($1, 'no.such.topic', $3, '{}'::jsonb), ($2, 'order.updated', $3, $4::jsonb)`, [
      unknownTopic,
      refused,
      orderId,
      JSON.stringify({ eventId: refused, occurredAt: Date.now(), change: 'PRICES_SET', order: { orderId } }),
    ]);
    await writeOrderChange(orderEvent(orderId, 2));

    messaging.relay.start();
    const rows = await waitFor(async () => ((await received(group)).length >= 2 ? received(group) : undefined), { description: 'the two good events' });
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    await messaging.relay.drained();
    expect(await query(env.DATABASE_URL, `select id from "${schema}".outbox`)).toEqual([]);
    const failed = await query<{ event_id: string; reason: string }>(env.DATABASE_URL, `select event_id, reason from "${schema}".outbox_failed order by id`);
    expect(failed.map((f) => f.event_id)).toEqual([unknownTopic, refused]);
    expect(failed[0]?.reason).toBe('unknown topic no.such.topic');
    expect(failed[1]?.reason).toMatch(/order\.updated/);

    // The next batch has nothing to set aside (the relay's single-statement delete): it leaves once too.
    await writeOrderChange(orderEvent(orderId, 3));
    await waitFor(async () => ((await received(group)).length >= 3 ? true : undefined), { description: 'the third event' });
    await messaging.relay.drained();
    expect((await received(group)).map((r) => r.version)).toEqual([1, 2, 3]);
    expect(await query(env.DATABASE_URL, `select id from "${schema}".outbox`)).toEqual([]);
    expect(await query(env.DATABASE_URL, `select id from "${schema}".outbox_failed`)).toHaveLength(2);
  });
});
