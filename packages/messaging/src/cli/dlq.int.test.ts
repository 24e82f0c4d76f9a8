import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { AppError, createLogger, createOrm, migrate, type Orm } from '@marketbill/platform';
import { type OrderUpdated, type TopicEvents, TOPICS } from '@marketbill/schemas';
import { dropSchema, query, readTopic, stackEnv, uniqueName, uniqueTopicPrefix, waitFor } from '@marketbill/testing';
import { readDeadLetters } from '../dead-letters';
import { createMessaging, type Messaging } from '../messaging';
import { messagingMigrations } from '../migrations';
import { bindTopics } from '../topic-catalog';
import { OutboxMessageSchema } from '../outbox';

const topics = bindTopics<TopicEvents>(TOPICS);
const { on, publish } = topics;

jest.setTimeout(180_000);
const env = stackEnv();
const logger = createLogger({ service: 'dlq-test', level: 'silent' });
const cleanup: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup.length = 0;
});

function runDlq(args: string[], prefix: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // The built CLI, as operators run it (`npm test` builds before Jest runs).
  const cli = join(__dirname, '..', '..', 'dist', 'cli', 'dlq.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', cli, ...args], { env: { ...process.env, ...env, KAFKA_TOPIC_PREFIX: prefix } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function orderEvent(memo: string | null): OrderUpdated {
  const party = (name: string) => ({ id: randomUUID(), name, phone: null, sealedPhone: 's1.opaque' });
  const orderId = randomUUID();
  return {
    eventId: randomUUID(),
    occurredAt: Date.now(),
    change: 'PRICES_SET',
    order: {
      orderId,
      orderNumber: '261125-000001',
      version: 1,
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

describe('mb-dlq', () => {
  it('When events were dead-lettered by a handler bug that is then fixed, then list shows them with the reason and replay brings each back once with the same key and event id', async () => {
    const prefix = uniqueTopicPrefix();
    const schema = uniqueName('dlq');
    const orm: Orm = await createOrm({ url: env.DATABASE_URL, schema, entities: [OutboxMessageSchema], migrations: messagingMigrations });
    await migrate(orm, env.DATABASE_URL);
    await orm.em.getConnection().execute(`create table "${schema}".received (event_id uuid not null, memo text)`);
    cleanup.push(() => dropSchema(env.DATABASE_URL, schema), () => orm.close());

    // The handler refuses memo 'refuse' until it is "fixed" (the deployment of a corrected handler).
    let fixed = false;
    const messaging: Messaging<TopicEvents> = createMessaging({
      service: uniqueName('svc'),
      brokers: env.KAFKA_BROKERS.split(','),
      schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
      databaseUrl: env.DATABASE_URL,
      orm,
      logger,
      topics,
      publishes: ['order.updated'],
      subscriptions: [
        on('order.updated', async (event, ctx) => {
          if (event.order.memo === 'refuse' && !fixed) throw new AppError({ code: 'order-refused', message: 'the handler cannot take this order yet' });
          await ctx.em.getConnection().execute(`insert into "${schema}".received values (?, ?)`, [event.eventId, event.order.memo], 'run', ctx.em.getTransactionContext());
        }),
      ],
      topicPrefix: prefix,
      partitions: 3,
    });
    cleanup.push(() => messaging.stop());
    await messaging.start();
    const refused = [orderEvent('refuse'), orderEvent('refuse'), orderEvent('refuse')];
    const good = [orderEvent(null), orderEvent(null)];
    await orm.em.fork().transactional(async (em) => {
      for (const e of [...refused, ...good]) publish(em, 'order.updated', e.order.orderId, e);
    });
    const received = () => query<{ event_id: string }>(env.DATABASE_URL, `select event_id from "${schema}".received`);
    await waitFor(async () => (await received()).length === 2 && messaging.subscriber!.stats().deadLettered === 3, { timeoutMs: 60_000, description: 'two processed, three dead-lettered' });

    const listed = await runDlq(['list', 'order.updated'], prefix);
    expect(listed.code).toBe(0);
    for (const e of refused) expect(listed.stdout).toContain(e.eventId);
    expect(listed.stdout).toContain('order-refused');
    expect(listed.stdout).toContain('the handler cannot take this order yet');
    expect(listed.stdout).toContain('3 dead letter(s)');

    const shown = await runDlq(['show', 'order.updated', '--id', refused[0]!.eventId], prefix);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ eventId: refused[0]!.eventId, errorCode: 'order-refused', value: { eventId: refused[0]!.eventId, order: { orderId: refused[0]!.order.orderId } } });

    // A dry run names what it would do and sends nothing.
    const dry = await runDlq(['replay', 'order.updated', '--all', '--dry-run'], prefix);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('3 event(s) would be put back');
    const topic = await readTopic(messaging.kafka, `${prefix}order.updated`);
    cleanup.push(() => topic.stop());
    await topic.waitForCount(5);

    fixed = true;
    const one = await runDlq(['replay', 'order.updated', '--id', refused[0]!.eventId], prefix);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`replayed ${refused[0]!.eventId} key=${refused[0]!.order.orderId}`);
    expect(one.stdout).toContain('was order-refused');
    await waitFor(async () => (await received()).some((r) => r.event_id === refused[0]!.eventId), { description: 'the replayed event processed' });

    // --all brings the rest back; the one replayed before is sent again and skipped by the inbox.
    const all = await runDlq(['replay', 'order.updated', '--all'], prefix);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('3 event(s) put back');
    await waitFor(async () => (await received()).length === 5 && messaging.subscriber!.stats().duplicates >= 1, { description: 'every event once' });
    const rows = await received();
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set([...refused, ...good].map((e) => e.eventId)));
    expect(rows).toHaveLength(5);

    const replayed = (await topic.waitForCount(9)).slice(5);
    for (const m of replayed) {
      const original = refused.find((e) => e.eventId === m.headers['event-id']);
      expect(original).toBeDefined();
      expect(m.key).toBe(original!.order.orderId);
      expect(m.headers['replayed-from']).toMatch(new RegExp(`^${prefix.replace(/\./g, '\\.')}order\\.updated\\.dlq/\\d+:\\d+$`));
      expect(Object.keys(m.headers).some((k) => k.startsWith('dlq-'))).toBe(false);
    }
    // The dead letters stay where they were: the topic is the record of what failed.
    expect(await readDeadLetters(messaging.kafka, `${prefix}order.updated.dlq`)).toHaveLength(3);
  });

  it('When the command or the topic is wrong, then it says how to use it and exits 2', async () => {
    const result = await runDlq(['replay', 'no.such.topic', '--all'], uniqueTopicPrefix());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown topic no.such.topic');
    expect(result.stderr).toContain('order.placed');
    const noTarget = await runDlq(['replay', 'order.placed'], uniqueTopicPrefix());
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('either --id');
  });
});
