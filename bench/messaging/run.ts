// Messaging path benchmark: ~1 KB Avro events through outbox → relay → Kafka → idempotent consumer.
//
//   node bench/messaging/run.ts [--rate 5000] [--seconds 20] [--writers 8] [--events-per-tx 1]
//
// Three processes, as in production: a writer (the producing service's requests: one transaction
// per event writing a state row and the outbox row, at a fixed target rate), a relay (the
// producing service's outbox relay) and a consumer (another service: inbox dedupe + one write per
// event, offsets after commit). End-to-end latency = consumer commit time − the event's occurredAt
// (set inside the writer's transaction). Uses the local stack (.stack/env or the environment).
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger, createOrm, migrate } from '@marketbill/platform';
import { createMessaging, messagingMigrations, on, OutboxMessageSchema, publish } from '@marketbill/messaging';
import { machine, percentile } from '../machine.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const role = process.env.MB_BENCH_ROLE;
const env: Record<string, string> = { ...JSON.parse(readFileSync(new URL('../../.stack/env.json', import.meta.url), 'utf8')), ...process.env } as Record<string, string>;
const logger = createLogger({ service: 'bench', level: 'warn' });

function event(orderId: string, version: number) {
  const party = (name: string) => ({ id: randomUUID(), name, phone: null, sealedPhone: 's1.opaque' });
  const lines = Array.from({ length: 4 }, (_, i) => ({
    lineId: randomUUID(),
    kind: 'ITEM' as const,
    varietyId: randomUUID(),
    itemName: '장미',
    varietyName: `레드나오미 ${i}`,
    grade: 'UPPER' as const,
    quantity: 10 + i,
    unitPrice: 12_000,
    amount: 12_000 * (10 + i),
    memo: '새벽 배송 전에 물올림 부탁드립니다',
  }));
  return {
    eventId: randomUUID(),
    occurredAt: Date.now(),
    change: 'PRICES_SET' as const,
    order: {
      orderId,
      orderNumber: '261125-000001',
      version,
      status: 'PLACED' as const,
      placement: 'MANUAL' as const,
      placedAt: Date.now(),
      saleDay: '2026-11-25',
      retailer: party('꽃담플라워'),
      wholesaler: party('양재꽃상회'),
      memo: '새벽 5시 픽업 예정입니다. 포장은 신문지로 부탁드립니다.',
      fulfilment: { method: 'PICKUP' as const, state: 'PENDING' as const, address: null },
      lines,
      priceState: 'PRICED' as const,
      total: lines.reduce((s, l) => s + l.amount, 0),
      pricedAt: Date.now(),
    },
  };
}

async function openOrm(schema: string) {
  const orm = await createOrm({ url: env.DATABASE_URL as string, schema, entities: [OutboxMessageSchema], migrations: messagingMigrations, poolMax: 20 });
  return orm;
}

async function writer(schema: string): Promise<void> {
  const rate = opt('rate', 5000);
  const seconds = opt('seconds', 20);
  const writers = opt('writers', 8);
  const perTx = opt('events-per-tx', 1);
  const orm = await openOrm(schema);
  const total = rate * seconds;
  let written = 0;
  const started = Date.now();
  // Open loop: each writer keeps its share of the target rate; a writer that falls behind does not
  // slow the schedule, so the backlog (and the latency it causes) is measured, not hidden.
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = w * perTx; i < total; i += writers * perTx) {
        const due = started + (i / rate) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await orm.em.fork().transactional(async (em) => {
          for (let k = 0; k < perTx; k++) {
            const orderId = randomUUID();
            await em.getConnection().execute(`insert into "${schema}".orders (order_id, version) values (?, 1)`, [orderId], 'run', em.getTransactionContext());
            publish(em, 'order.updated', orderId, event(orderId, 1));
          }
        });
        written += perTx;
      }
    }),
  );
  process.send?.({ written, seconds: (Date.now() - started) / 1000 });
  await orm.close();
}

async function service(schema: string, prefix: string, asConsumer: boolean): Promise<void> {
  const orm = await openOrm(schema);
  const latencies: number[] = [];
  let first = 0;
  let last = 0;
  const messaging = createMessaging({
    service: asConsumer ? 'bench-consumer' : 'bench-producer',
    brokers: (env.KAFKA_BROKERS as string).split(','),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL as string,
    databaseUrl: env.DATABASE_URL as string,
    orm,
    logger,
    publishes: ['order.updated'],
    subscriptions: asConsumer
      ? [
          on('order.updated', async (e, ctx) => {
            await ctx.em.getConnection().execute(`insert into "${schema}".received (event_id) values (?)`, [e.eventId], 'run', ctx.em.getTransactionContext());
            // The transaction commits right after the handler returns; record once it has.
            const occurredAt = e.occurredAt;
            setImmediate(() => {
              const now = Date.now();
              if (!first) first = now;
              last = now;
              latencies.push(now - occurredAt);
            });
          }),
        ]
      : [],
    topicPrefix: prefix,
    partitionsConsumedConcurrently: 6,
    consumerBatchSize: opt('batch', 100),
  });
  if (!asConsumer) {
    // The consumer process must not relay: it runs no relay of its own schema's outbox (empty).
  }
  await messaging.start();
  if (asConsumer) await messaging.relay.stop();
  process.send?.({ ready: true });
  process.on('message', async (m: { stop?: boolean }) => {
    if (!m.stop) return;
    await messaging.stop();
    await orm.close();
    // Exit only once the (large) result has been handed to the parent: process.send is asynchronous.
    process.send?.({ latencies, first, last, stats: messaging.subscriber?.stats() ?? null }, () => process.exit(0));
  });
  setInterval(() => process.send?.({ progress: latencies.length }), 500).unref();
}

function child(roleName: string, extraEnv: Record<string, string>): ChildProcess {
  const proc = fork(fileURLToPath(import.meta.url), args, {
    env: { ...process.env, MB_BENCH_ROLE: roleName, ...extraEnv },
    execArgv: ['--disable-warning=TimeoutNegativeWarning'],
  });
  // A role that dies ends the benchmark with its exit status, instead of leaving the parent waiting.
  proc.once('exit', (code, signal) => {
    if (code !== 0 && !stopping) {
      process.stderr.write(`bench: the ${roleName} process exited (${signal ?? code})\n`);
      process.exit(1);
    }
  });
  return proc;
}

let stopping = false;

function once<T>(proc: ChildProcess, predicate: (m: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: T) => {
      if (predicate(m)) {
        proc.off('message', onMessage);
        resolve(m);
      }
    };
    proc.on('message', onMessage);
  });
}

async function main(): Promise<void> {
  const schema = process.env.MB_BENCH_SCHEMA as string;
  const prefix = process.env.MB_BENCH_PREFIX as string;
  if (role === 'writer') return writer(schema);
  if (role === 'relay') return service(schema, prefix, false);
  if (role === 'consumer') return service(`${schema}_c`, prefix, true);

  const id = `bench_${Date.now().toString(36)}`;
  const rate = opt('rate', 5000);
  const seconds = opt('seconds', 20);
  for (const s of [id, `${id}_c`]) {
    const orm = await openOrm(s);
    await migrate(orm, env.DATABASE_URL as string);
    await orm.em.getConnection().execute(`create table "${s}".orders (order_id uuid primary key, version int not null)`);
    await orm.em.getConnection().execute(`create table "${s}".received (event_id uuid primary key)`);
    await orm.close();
  }
  const shared = { MB_BENCH_SCHEMA: id, MB_BENCH_PREFIX: `${id}.` };
  const consumer = child('consumer', shared);
  await once<{ ready?: boolean }>(consumer, (m) => m.ready === true);
  // --prefill: write everything first, then start the relay — measures what relay + Kafka +
  // consumer can drain, without the writer competing for the two cores (latency is then meaningless).
  const prefill = args.includes('--prefill');
  let relay: ChildProcess | undefined;
  const startRelay = async () => {
    relay = child('relay', shared);
    await once<{ ready?: boolean }>(relay, (m) => m.ready === true);
  };
  if (!prefill) await startRelay();
  process.stderr.write(`bench: writing ${rate} events/s for ${seconds} s${prefill ? ' (prefill, relay starts afterwards)' : ''}\n`);
  const writerProc = child('writer', shared);
  const written = await once<{ written?: number; seconds?: number }>(writerProc, (m) => m.written !== undefined);
  if (prefill) await startRelay();
  let consumed = 0;
  consumer.on('message', (m: { progress?: number }) => {
    if (m.progress !== undefined) consumed = m.progress;
  });
  const deadline = Date.now() + 120_000;
  while (consumed < (written.written as number) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  stopping = true;
  const resultP = once<{ latencies?: number[]; first?: number; last?: number; stats?: unknown }>(consumer, (m) => m.latencies !== undefined);
  consumer.send({ stop: true });
  relay?.send({ stop: true });
  const result = await resultP;
  const latencies = (result.latencies as number[]).sort((a, b) => a - b);
  const spanSeconds = ((result.last as number) - (result.first as number)) / 1000;
  const report = {
    machine: machine(),
    target: { rate, seconds },
    mode: prefill ? 'prefill: the relay drains a full outbox (throughput only)' : 'live: writer, relay and consumer at once',
    written: written.written,
    writerSeconds: written.seconds,
    consumed: latencies.length,
    consumerStats: result.stats,
    sustainedEventsPerSecond: Math.round(latencies.length / spanSeconds),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.at(-1) },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
