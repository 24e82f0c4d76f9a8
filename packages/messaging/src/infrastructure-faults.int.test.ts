import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createLogger, createOrm, migrate, renderMetrics, type Orm } from '@marketbill/platform';
import { type OrderUpdated, type TopicEvents, TOPICS } from '@marketbill/schemas';
import { createTcpGate, dropSchema, query, stackEnv, uniqueName, uniqueTopicPrefix, waitFor, type TcpGate } from '@marketbill/testing';
import { bindTopics, createMessaging, type Messaging, messagingMigrations, type MessagingOptions, OutboxMessageSchema, type Subscription } from './index';

const topics = bindTopics<TopicEvents>(TOPICS);
const { on, publish } = topics;

// Infrastructure faults seen by ONE consumer: its registry or its database goes away behind a TCP
// gate (connections cut, new ones refused), the rest of the shared stack stays up. The same
// faults with the real servers stopped are in tests/faults (run alone, after everything else).
jest.setTimeout(240_000);

const env = stackEnv();
const logger = createLogger({ service: 'faults-test', level: 'silent' });
const cleanup: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup.length = 0;
});

async function schemaWith(url: string): Promise<{ orm: Orm; schema: string }> {
  const schema = uniqueName('flt');
  const orm = await createOrm({ url, schema, entities: [OutboxMessageSchema], migrations: messagingMigrations, poolMax: 4 });
  await migrate(orm, url);
  await orm.em.getConnection().execute(`create table "${schema}".received (event_id uuid not null, order_id text not null, version int not null)`);
  cleanup.push(() => dropSchema(env.DATABASE_URL, schema), () => orm.close());
  return { orm, schema };
}

function orderEvent(orderId: string, version: number): OrderUpdated {
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
      memo: null,
      fulfilment: { method: 'PICKUP', state: 'PENDING', address: null },
      lines: [],
      priceState: 'UNPRICED',
      total: 0,
      pricedAt: null,
    },
  };
}

function recording(schema: string): Subscription {
  return on('order.updated', async (event, ctx) => {
    await ctx.em
      .getConnection()
      .execute(
        `insert into "${schema}".received (event_id, order_id, version) values (?, ?, ?)`,
        [event.eventId, event.order.orderId, event.order.version],
        'run',
        ctx.em.getTransactionContext(),
      );
  });
}

async function start(options: MessagingOptions<TopicEvents>): Promise<Messaging<TopicEvents>> {
  const messaging = createMessaging(options);
  cleanup.push(() => messaging.stop());
  await messaging.start();
  return messaging;
}

/** A producing service on the direct stack (unless `overrides` say otherwise): writes order.updated events through its outbox. */
async function producer(
  prefix: string,
  overrides: Partial<MessagingOptions<TopicEvents>> = {},
): Promise<{ write(events: OrderUpdated[]): Promise<void>; messaging: Messaging<TopicEvents> }> {
  const { orm } = await schemaWith(env.DATABASE_URL);
  const messaging = await start({
    service: uniqueName('producer'),
    brokers: env.KAFKA_BROKERS.split(','),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
    databaseUrl: env.DATABASE_URL,
    orm,
    logger,
    topics,
    publishes: ['order.updated'],
    subscriptions: [],
    topicPrefix: prefix,
    partitions: 3,
    ...overrides,
  });
  return {
    messaging,
    async write(events) {
      await orm.em.fork().transactional(async (em) => {
        for (const e of events) publish(em, 'order.updated', e.order.orderId, e);
      });
    },
  };
}

/** A gate in front of a stack server: `url` rewritten to go through it, open until `down()`. */
interface Gate {
  url: string;
  down(): Promise<void>;
  up(): Promise<void>;
  /** Connections stay open and nothing is answered: the server frozen or cut off. */
  freeze(): void;
  thaw(): void;
}

async function proxyTo(url: string): Promise<Gate> {
  const gate: TcpGate = await createTcpGate(url);
  await gate.open();
  cleanup.push(() => gate.close());
  return { url: gate.through(url), down: () => gate.close(), up: () => gate.open(), freeze: () => gate.freeze(), thaw: () => gate.thaw() };
}

async function deadLetterCount(messaging: Messaging<TopicEvents>, topic: string): Promise<number> {
  const admin = messaging.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

async function receivedRows(schema: string) {
  return query<{ event_id: string; version: number }>(env.DATABASE_URL, `select event_id, version from "${schema}".received`);
}

describe('infrastructure faults are waited out, never dead-lettered', () => {
  it('When the registry does not answer and the consumer has never seen the schema, then the messages wait and are processed once it answers; nothing is dead-lettered', async () => {
    const prefix = uniqueTopicPrefix();
    const registry = await proxyTo(env.SCHEMA_REGISTRY_URL);
    const { orm, schema } = await schemaWith(env.DATABASE_URL);
    // The consumer starts before anything was published: its warm-up finds no schema, its cache is cold.
    const consumer = await start({
      service: uniqueName('consumer'),
      brokers: env.KAFKA_BROKERS.split(','),
      schemaRegistryUrl: registry.url,
      databaseUrl: env.DATABASE_URL,
      orm,
      logger,
      topics,
      publishes: [],
      subscriptions: [recording(schema)],
      topicPrefix: prefix,
      partitions: 3,
      initialRetryDelayMs: 50,
      maxRetryDelayMs: 1_000,
    });
    await registry.down();

    const source = await producer(prefix);
    const events = Array.from({ length: 30 }, (_, i) => orderEvent(randomUUID(), 1 + (i % 3)));
    await source.write(events);
    await source.messaging.relay.drained();

    // Waiting, visibly: partitions paused on the registry, reported by health and metrics.
    const detail = await waitFor(
      async () => {
        const d = await consumer.detail();
        const paused = (d.consumer as { pausedPartitions?: Array<{ reason: string }> } | undefined)?.pausedPartitions ?? [];
        return paused.length > 0 && paused.every((p) => p.reason.includes('schema-registry')) ? d : undefined;
      },
      { description: 'the consumer to pause on the unavailable registry' },
    );
    expect(detail.status).toBe('degraded');
    expect(renderMetrics(await consumer.metrics())).toMatch(/marketbill_consumer_paused_partitions\{group="[^"]+"\} [1-9]/);
    // Longer than the old budget of eight attempts would have lasted for a transient failure.
    await waitFor(() => consumer.subscriber!.stats().pauses >= 6, { timeoutMs: 60_000, description: 'several retries while the registry is away' });
    expect(await receivedRows(schema)).toHaveLength(0);

    await registry.up();
    const rows = await waitFor(async () => ((await receivedRows(schema)).length >= 30 ? receivedRows(schema) : undefined), {
      timeoutMs: 60_000,
      description: 'every event once the registry answers',
    });
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(events.map((e) => e.eventId)));
    expect(rows).toHaveLength(30);
    expect(consumer.subscriber!.stats().deadLettered).toBe(0);
    expect(await deadLetterCount(consumer, `${prefix}order.updated.dlq`)).toBe(0);
    await waitFor(async () => (await consumer.detail()).status === 'ok', { description: 'health back to ok' });
  });

  it('When the schemas were warmed at start and the registry then goes away, then messages of those schemas are consumed without it', async () => {
    const prefix = uniqueTopicPrefix();
    const source = await producer(prefix); // registers the topic's schema
    const registry = await proxyTo(env.SCHEMA_REGISTRY_URL);
    const { orm, schema } = await schemaWith(env.DATABASE_URL);
    const consumer = await start({
      service: uniqueName('consumer'),
      brokers: env.KAFKA_BROKERS.split(','),
      schemaRegistryUrl: registry.url,
      databaseUrl: env.DATABASE_URL,
      orm,
      logger,
      topics,
      publishes: [],
      subscriptions: [recording(schema)],
      topicPrefix: prefix,
      partitions: 3,
    });
    await registry.down();
    const events = Array.from({ length: 10 }, (_, i) => orderEvent(randomUUID(), i + 1));
    await source.write(events);
    await waitFor(async () => (await receivedRows(schema)).length === 10, { description: 'the events, decoded from the warmed schemas' });
    expect(consumer.subscriber!.stats()).toMatchObject({ processed: 10, deadLettered: 0, pauses: 0 });
  });

  it('When a consumer starts while the registry does not answer, then it waits for it before consuming', async () => {
    const prefix = uniqueTopicPrefix();
    const source = await producer(prefix);
    await source.write([orderEvent(randomUUID(), 1)]);
    const registry = await proxyTo(env.SCHEMA_REGISTRY_URL);
    await registry.down();
    const { orm, schema } = await schemaWith(env.DATABASE_URL);
    const consumer = createMessaging({
      service: uniqueName('consumer'),
      brokers: env.KAFKA_BROKERS.split(','),
      schemaRegistryUrl: registry.url,
      databaseUrl: env.DATABASE_URL,
      orm,
      logger,
      topics,
      publishes: [],
      subscriptions: [recording(schema)],
      topicPrefix: prefix,
      partitions: 3,
    });
    cleanup.push(() => consumer.stop());
    let started = false;
    const starting = consumer.start().then(() => (started = true));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(started).toBe(false);
    await registry.up();
    await starting;
    await waitFor(async () => (await receivedRows(schema)).length === 1, { description: 'the event after start' });
  });

  it('When the consumer’s database is unreachable for 45 s under a backlog, then every event is applied exactly once afterwards and nothing is dead-lettered', async () => {
    const prefix = uniqueTopicPrefix();
    const source = await producer(prefix);
    const database = await proxyTo(env.DATABASE_URL);
    const { orm, schema } = await schemaWith(database.url);
    const events = Array.from({ length: 300 }, (_, i) => orderEvent(randomUUID(), 1 + (i % 5)));
    await source.write(events.slice(0, 100));
    const consumer = await start({
      service: uniqueName('consumer'),
      brokers: env.KAFKA_BROKERS.split(','),
      schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
      databaseUrl: database.url,
      orm,
      logger,
      topics,
      publishes: [],
      subscriptions: [recording(schema)],
      topicPrefix: prefix,
      partitions: 3,
      consumerBatchSize: 20,
    });
    await waitFor(async () => (await receivedRows(schema)).length > 0, { description: 'consumption under way' });
    // The database goes away mid-backlog (open connections reset, new ones refused) while more arrives.
    await database.down();
    const wentDown = Date.now();
    await source.write(events.slice(100));
    await source.messaging.relay.drained();
    await waitFor(
      async () => ((await consumer.detail()).consumer as { pausedPartitions: unknown[] }).pausedPartitions.length > 0,
      { description: 'partitions paused on the database' },
    );
    while (Date.now() - wentDown < 45_000) {
      expect(consumer.subscriber!.stats().deadLettered).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    await database.up();

    const rows = await waitFor(async () => ((await receivedRows(schema)).length >= 300 ? receivedRows(schema) : undefined), {
      timeoutMs: 120_000,
      description: 'all 300 events applied',
    });
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(300);
    expect(consumer.subscriber!.stats().deadLettered).toBe(0);
    expect(await deadLetterCount(consumer, `${prefix}order.updated.dlq`)).toBe(0);
  });

  it('When the relay’s server holds its connection and answers nothing, then health says degraded with what the relay waits on, the metrics say failing, and it publishes once the server answers', async () => {
    const prefix = uniqueTopicPrefix();
    const database = await proxyTo(env.DATABASE_URL);
    // The relay's own session goes through the gate; the service's pool (and the backlog query) does not.
    const { messaging: source, write } = await producer(prefix, { databaseUrl: database.url, relayStalledAfterSeconds: 1 });
    // Cleanup runs in reverse: a failed test thaws the gate before the relay is asked to stop.
    cleanup.push(async () => database.thaw());
    await write([orderEvent(randomUUID(), 1)]);
    await source.relay.drained();
    expect((await source.detail()).status).toBe('ok');

    database.freeze();
    await write(Array.from({ length: 5 }, () => orderEvent(randomUUID(), 1)));
    // No error anywhere: the relay's next round (the poll, since the NOTIFY cannot arrive) waits.
    const detail = await waitFor(
      async () => {
        const d = await source.detail();
        return d.status === 'degraded' ? d : undefined;
      },
      { timeoutMs: 15_000, description: 'health to report the waiting relay' },
    );
    const relay = detail.relay as { stalled?: { waitingOn: string; seconds: number }; lastError?: string };
    expect(relay.stalled).toEqual({ waitingOn: 'reading the outbox', seconds: expect.any(Number) });
    expect(relay.lastError).toBeUndefined();
    expect((detail.outbox as { events: number }).events).toBe(5);
    const metrics = renderMetrics(await source.metrics());
    expect(metrics).toMatch(/^marketbill_outbox_relay_failing\{service="[^"]+"\} 1$/m);
    expect(Number(/^marketbill_outbox_relay_round_seconds\{service="[^"]+"\} ([\d.]+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);

    database.thaw();
    await source.relay.drained();
    expect(source.relay.status().published).toBe(6);
    await waitFor(async () => (await source.detail()).status === 'ok', { description: 'health back to ok' });
    expect(renderMetrics(await source.metrics())).toMatch(/^marketbill_outbox_relay_failing\{service="[^"]+"\} 0$/m);
  });
});
