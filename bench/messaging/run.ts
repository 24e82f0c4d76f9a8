// Messaging path benchmark: ~1 KB Avro events through outbox → relay → Kafka → idempotent consumer,
// beside the two limits underneath measured in the same run:
//   - Kafka: the same Avro bytes produced by a bare kafkajs producer (batches of 500, as the relay)
//     and consumed by a bare kafkajs consumer (no database), in two processes;
//   - Postgres: the same outbox rows (and state rows) inserted by a bare `pg` pool, in transactions
//     of `--events-per-tx`, by `--writers` connections, as fast as they go.
// The ratio is the live path's sustained rate over the lower of the two limits. Trials alternate
// live path, Postgres limit, Kafka limit.
//
//   npm run build && npm run stack -- up --fast
//   node bench/messaging/run.ts [--rate 3000] [--seconds 10] [--warm-up 2] [--writers 4] [--events-per-tx 20] [--trials 3]
//                               [--prefill] [--profile] [--writer bulk|unit-of-work] [--consumer per-event|batch] [--live-only]
//                               [--no-tracing] [--relay-linger <ms>]
//
// Live path: three processes, as in production: a writer (the producing service: transactions that
// write state rows and their outbox rows, at a fixed open-loop rate — `--writer bulk` (default) as
// the system's high-volume producer does, one statement for the state rows and publishMany for the
// events; `--writer unit-of-work` a statement and publish() per event), a relay (the
// producing service's outbox relay) and a consumer (another service: inbox dedupe + one write per
// event, in batches, offsets after commit). End-to-end latency = consumer commit time − the event's
// occurredAt (set inside the writer's transaction). The writer first runs `--warm-up` seconds at the
// rate; the latency and rate figures are of the events after it, the warm-up's p99 is printed apart
// (a running system's relay and consumer are past it; a freshly started one is not), and the CPU
// per event counts the whole run. The three trace as the services do (the platform's telemetry and
// sampler, bench/messaging/tracing.mts; --no-tracing leaves it out, as the figures before
// 2026-12-04 did). --profile writes a V8 CPU profile of each
// process into bench/out/ (summarise with bench/profile-summary.ts). --relay-linger sets the relay's
// pause after a partial round (OUTBOX_RELAY_LINGER_MS, 20 ms as the services run it; 0 = the relay
// before session 13, which read again at once).
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLogger, createOrm, migrate, preparedQuery } from '@marketbill/platform';
import { bindTopics, createEventCodec, createKafka, createMessaging, createProducer, createRegistryClient, createTopicNaming, encodeBodies, messagingMigrations, OutboxMessageSchema, schemaFingerprint } from '@marketbill/messaging';
import { TOPICS, type TopicEvents } from '@marketbill/schemas';
import pg from 'pg';
import { kafkaCpuMs, loadByPhase, machine, percentile, postgresCpuMs, ratioReport, stackEnv, trials } from '../machine.ts';

// The bench speaks the system's catalogue, as a service does (its src/topics.ts).
const topics = bindTopics<TopicEvents>(TOPICS);
const { on, publish, publishMany } = topics;

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
/**
 * Seconds the writer runs at the rate before the measured `--seconds` (default 2; none with
 * --prefill): the events of the first seconds after the three processes started wait for their code
 * to be compiled, connections, the first fetches — measured apart as the warm-up.
 */
const warmUpSeconds = () => (args.includes('--prefill') ? 0 : opt('warm-up', 2));
const role = process.env.MB_BENCH_ROLE;
const env: Record<string, string> = stackEnv();
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
  const rate = opt('rate', 3000);
  const seconds = opt('seconds', 10);
  const writers = opt('writers', 4);
  const perTx = opt('events-per-tx', 20);
  const bulk = !(args.includes('--writer') && args[args.indexOf('--writer') + 1] === 'unit-of-work');
  const orm = await openOrm(schema);
  const total = rate * (seconds + warmUpSeconds());
  let written = 0;
  let cpuStart: NodeJS.CpuUsage | undefined;
  const started = Date.now();
  // Open loop: each writer keeps its share of the target rate; a writer that falls behind does not
  // slow the schedule, so the backlog (and the latency it causes) is measured, not hidden.
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = w * perTx; i < total; i += writers * perTx) {
        const due = started + (i / rate) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (!cpuStart) cpuStart = process.cpuUsage();
        await orm.em.fork().transactional(async (em) => {
          if (bulk) {
            // As the system's high-volume producer writes (auction-ingest's imports): the state rows
            // in one statement, the events with publishMany (one statement, no unit of work).
            const ids = Array.from({ length: perTx }, () => randomUUID());
            await preparedQuery(em, `insert into "${schema}".orders (order_id, version) select unnest($1::uuid[]), 1`, [ids]);
            await publishMany(em, 'order.updated', ids.map((orderId) => ({ key: orderId, event: event(orderId, 1) })));
            return;
          }
          // As a request-per-change service writes: a statement and publish() (the unit of work) per event.
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
  process.send?.({ written, started, seconds: (Date.now() - started) / 1000, cpuMs: cpuMsSince(cpuStart) });
  await orm.close();
}

async function service(schema: string, prefix: string, asConsumer: boolean): Promise<void> {
  const orm = await openOrm(schema);
  // Per event consumed: when it occurred (in the writer's transaction) and when its transaction here committed.
  const occurred: number[] = [];
  const committed: number[] = [];
  const batchConsumer = args.includes('--consumer') && args[args.indexOf('--consumer') + 1] === 'batch';
  // The transaction commits right after the handler returns; record once it has.
  const received = (occurredAt: number) =>
    setImmediate(() => {
      occurred.push(occurredAt);
      committed.push(Date.now());
    });
  const messaging = createMessaging({
    service: asConsumer ? 'bench-consumer' : 'bench-producer',
    brokers: (env.KAFKA_BROKERS as string).split(','),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL as string,
    databaseUrl: env.DATABASE_URL as string,
    orm,
    logger,
    topics,
    publishes: ['order.updated'],
    subscriptions: asConsumer
      ? [
          on(
            'order.updated',
            async (e, ctx) => {
              await ctx.em.getConnection().execute(`insert into "${schema}".received (event_id) values (?)`, [e.eventId], 'run', ctx.em.getTransactionContext());
              received(e.occurredAt);
            },
            // --consumer batch: as the system's high-volume consumer (catalog's auction prices) applies
            // a chunk, one set-based statement for the chunk's new events; the default writes per event.
            batchConsumer
              ? async (events, ctx) => {
                  await preparedQuery(ctx.em, `insert into "${schema}".received (event_id) select unnest($1::uuid[])`, [events.map((e) => e.eventId)]);
                  for (const e of events) received(e.occurredAt);
                }
              : undefined,
          ),
        ]
      : [],
    topicPrefix: prefix,
    partitionsConsumedConcurrently: 6,
    consumerBatchSize: opt('batch', 100),
    // The relay's pause after a partial round: the services' default (20 ms) unless --relay-linger says otherwise (0 = none).
    ...(args.includes('--relay-linger') ? { relayLingerMs: opt('relay-linger', 20) } : {}),
  });
  if (!asConsumer) {
    // The consumer process must not relay: it runs no relay of its own schema's outbox (empty).
  }
  await messaging.start();
  if (asConsumer) await messaging.relay.stop();
  // CPU of this process from here to the stop: the events' work (start-up left out).
  const cpuStart = process.cpuUsage();
  process.send?.({ ready: true });
  process.on('message', async (m: { stop?: boolean }) => {
    if (!m.stop) return;
    await messaging.stop();
    await orm.close();
    // Exit only once the (large) result has been handed to the parent: process.send is asynchronous.
    const cpuMs = cpuMsSince(cpuStart);
    process.send?.({ occurred, committed, stats: messaging.subscriber?.stats() ?? null, published: messaging.relay.status().published, cpuMs }, () => process.exit(0));
  });
  setInterval(() => process.send?.({ progress: committed.length }), 500).unref();
}

/** The whole path's CPU per event (every process, Postgres and Kafka), and the cores that takes at the rate reached. */
function coresText(lives: Live[]): string {
  const perEvent = trials(lives.map((l) => Object.values(l.cpuPerEvent).reduce((a, b) => a + b, 0)));
  const rate = trials(lives.map((l) => l.sustained)).median;
  return `the whole path ${perEvent.median.toFixed(3)} ms per event: ${((perEvent.median * rate) / 1000).toFixed(2)} cores at ${Math.round(rate)} events/s (this machine has ${os.availableParallelism()})`;
}

/** The goal's first alternative, trial by trial: ≥ 5,000 events/s consumed with p99 ≤ 200 ms. */
function goalCheck(lives: Live[]): string {
  const met = lives.filter((l) => l.sustained >= 5_000 && percentile(l.latencies, 99) <= 200).length;
  return `goal "live ≥ 5,000 events/s with p99 ≤ 200 ms": met in ${met} of ${lives.length} trials (${lives.map((l) => `${Math.round(l.sustained)}/s p99 ${percentile(l.latencies, 99)} ms`).join('; ')})`;
}

/** CPU time (user + system, ms) of this process since `start` (0 without one). */
function cpuMsSince(start: NodeJS.CpuUsage | undefined): number {
  if (!start) return 0;
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

/** The Postgres limit: the same state and outbox rows from a bare pg pool, as fast as it goes. */
async function pgLimit(schema: string): Promise<void> {
  const total = opt('rate', 3000) * opt('seconds', 10);
  const writers = opt('writers', 4);
  const perTx = opt('events-per-tx', 20);
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: writers });
  const s = `"${schema}"`;
  const stateSql = `insert into ${s}.orders (order_id, version) select unnest($1::uuid[]), 1`;
  // The outbox rows as publishMany writes them: Avro bodies and their schema's fingerprint.
  const spec = TOPICS['order.updated'];
  const outboxSql = `insert into ${s}.outbox (event_id, topic, message_key, body, schema_fingerprint, headers)
    select r.event_id, 'order.updated', r.message_key, substring($2::bytea from r.start for r.length), $1, '{}'::jsonb
      from (select event_id, message_key, length, (sum(length) over (order by n) - length + 1)::int as start
              from unnest($3::uuid[], $4::text[], $5::int[]) with ordinality as u(event_id, message_key, length, n)) r`;
  const started = performance.now();
  let written = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const client = await pool.connect();
      try {
        for (let i = w * perTx; i < total; i += writers * perTx) {
          const ids = Array.from({ length: Math.min(perTx, total - i) }, () => randomUUID());
          await client.query('begin');
          await client.query({ name: 'state', text: stateSql, values: [ids] });
          const events = ids.map((id) => event(id, 1));
          const bodies = encodeBodies('order.updated', spec, events);
          await client.query({ name: 'outbox', text: outboxSql, values: [schemaFingerprint(spec), bodies.bytes, events.map((e) => e.eventId), ids, bodies.lengths] });
          await client.query('commit');
          written += ids.length;
        }
      } finally {
        client.release();
      }
    }),
  );
  process.send?.({ limit: written / ((performance.now() - started) / 1000) });
  await pool.end();
}

/** The Kafka limit, producer side: the same Avro bytes the relay sends, in batches of 500, one request in flight. */
async function kafkaProducer(prefix: string): Promise<void> {
  const total = opt('rate', 3000) * opt('seconds', 10);
  const kafka = createKafka({ brokers: env.KAFKA_BROKERS!.split(','), clientId: 'bench-kafka-limit', logger });
  const naming = createTopicNaming(topics, prefix);
  const { ensureTopics } = await import('@marketbill/messaging');
  await ensureTopics(kafka, naming, ['order.updated']);
  const codec = createEventCodec(createRegistryClient(env.SCHEMA_REGISTRY_URL!), naming);
  const messages = [];
  for (let i = 0; i < total; i++) {
    const orderId = randomUUID();
    const e = event(orderId, 1);
    messages.push({ key: orderId, value: await codec.encode('order.updated', e), headers: { 'event-id': e.eventId, 'event-type': 'OrderUpdated', 'produced-by': 'bench' } });
  }
  const producer = createProducer(kafka);
  await producer.connect();
  process.send?.({ ready: true });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const started = Date.now();
  for (let i = 0; i < messages.length; i += 500) {
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic: naming.topic('order.updated'), messages: messages.slice(i, i + 500) }] });
  }
  process.send?.({ started, produced: Date.now() });
  await producer.disconnect();
}

/** The Kafka limit, consumer side: a bare kafkajs consumer (batches, no database) counting what arrives. */
async function kafkaConsumer(prefix: string): Promise<void> {
  const total = opt('rate', 3000) * opt('seconds', 10);
  const kafka = createKafka({ brokers: env.KAFKA_BROKERS!.split(','), clientId: 'bench-kafka-limit-consumer', logger });
  const naming = createTopicNaming(topics, prefix);
  const consumer = kafka.consumer({ groupId: `${prefix}limit`, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topics: [naming.topic('order.updated')], fromBeginning: true });
  let count = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => process.send?.({ ready: true }));
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }) => {
      count += batch.messages.length;
      if (count >= total) process.send?.({ consumed: count, last: Date.now() });
    },
  });
}

/** The live path's processes: they trace as the services do (tracing.mts), unless --no-tracing. */
const liveRoles = new Set(['writer', 'relay', 'consumer']);

function child(roleName: string, extraEnv: Record<string, string>): ChildProcess {
  const profile = args.includes('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${fileURLToPath(new URL('../out', import.meta.url))}`, `--cpu-prof-name=messaging-${roleName}-${Date.now()}.cpuprofile`] : [];
  const proc = fork(fileURLToPath(import.meta.url), args, {
    env: { ...process.env, MB_BENCH_ROLE: roleName, ...extraEnv },
    execArgv: ['--disable-warning=TimeoutNegativeWarning', ...profile, ...(liveRoles.has(roleName) && !args.includes('--no-tracing') ? [`--import=${fileURLToPath(new URL('./tracing.mts', import.meta.url))}`] : [])],
  });
  // A role that dies ends the benchmark with its exit status, instead of leaving the parent waiting.
  proc.once('exit', (code, signal) => {
    if (code !== 0 && !stopped.has(proc)) {
      process.stderr.write(`bench: the ${roleName} process exited (${signal ?? code})\n`);
      process.exit(1);
    }
  });
  return proc;
}

/** Children told to stop (their exit is expected). */
const stopped = new Set<ChildProcess>();
function stop(proc: ChildProcess | undefined, message: unknown = { stop: true }): void {
  if (!proc) return;
  stopped.add(proc);
  if (proc.connected) proc.send(message as never);
}

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

async function createSchemas(id: string): Promise<void> {
  for (const s of [id, `${id}_c`]) {
    const orm = await openOrm(s);
    await migrate(orm, env.DATABASE_URL as string);
    await orm.em.getConnection().execute(`create table "${s}".orders (order_id uuid primary key, version int not null)`);
    await orm.em.getConnection().execute(`create table "${s}".received (event_id uuid primary key)`);
    await orm.close();
  }
}

async function dropSchemas(id: string): Promise<void> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  for (const s of [id, `${id}_c`, `${id}_l`]) await client.query(`drop schema if exists "${s}" cascade`);
  await client.end();
}

interface Live {
  written: number;
  writerSeconds: number;
  sustained: number;
  /** End-to-end latencies of the events that occurred after the warm-up, sorted; and of those during it. */
  latencies: number[];
  warmUpLatencies: number[];
  stats: unknown;
  /** CPU per event (ms) of each process over its work, and of this checkout's Postgres and Kafka broker over the run. */
  cpuPerEvent: { writer: number; relay: number; consumer: number; postgres: number; kafka: number };
}

/** One live run: consumer, relay (after the writer with --prefill), writer; until all is consumed. */
async function liveRun(id: string): Promise<Live> {
  await createSchemas(id);
  const shared = { MB_BENCH_SCHEMA: id, MB_BENCH_PREFIX: `${id}.` };
  const postgresCpuAtStart = postgresCpuMs();
  const kafkaCpuAtStart = kafkaCpuMs();
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
  const writerProc = child('writer', shared);
  stopped.add(writerProc);
  const written = await once<{ written?: number; started?: number; seconds?: number; cpuMs?: number }>(writerProc, (m) => m.written !== undefined);
  if (prefill) await startRelay();
  let consumed = 0;
  consumer.on('message', (m: { progress?: number }) => {
    if (m.progress !== undefined) consumed = m.progress;
  });
  const deadline = Date.now() + 120_000;
  while (consumed < (written.written as number) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  const postgresCpu = postgresCpuMs() - postgresCpuAtStart;
  const kafkaCpu = kafkaCpuMs() - kafkaCpuAtStart;
  type Result = { occurred?: number[]; committed?: number[]; stats?: unknown; published?: number; cpuMs?: number };
  const resultP = once<Result>(consumer, (m) => m.committed !== undefined);
  const relayResultP = relay ? once<Result>(relay, (m) => m.committed !== undefined) : Promise.resolve({} as Result);
  stop(consumer);
  stop(relay);
  const [result, relayResult] = await Promise.all([resultP, relayResultP]);
  await Promise.all([consumer, relay].map((p) => new Promise((r) => (!p || p.exitCode !== null ? r(null) : p.once('exit', r)))));
  // Events that occurred in the warm-up (the first seconds after the processes started) are
  // reported apart: the steady state is what a running system sees.
  const occurred = result.occurred as number[];
  const committed = result.committed as number[];
  const steadyFrom = (written.started as number) + warmUpSeconds() * 1000; // no warm-up with --prefill
  const latencies: number[] = [];
  const warmUpLatencies: number[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (let i = 0; i < committed.length; i++) {
    const latency = (committed[i] as number) - (occurred[i] as number);
    if ((occurred[i] as number) < steadyFrom) {
      warmUpLatencies.push(latency);
      continue;
    }
    latencies.push(latency);
    first = Math.min(first, committed[i] as number);
    last = Math.max(last, committed[i] as number);
  }
  latencies.sort((a, b) => a - b);
  warmUpLatencies.sort((a, b) => a - b);
  const n = written.written as number;
  return {
    written: n,
    writerSeconds: written.seconds as number,
    sustained: latencies.length / ((last - first) / 1000),
    latencies,
    warmUpLatencies,
    stats: result.stats,
    cpuPerEvent: { writer: (written.cpuMs ?? Number.NaN) / n, relay: (relayResult.cpuMs ?? Number.NaN) / (relayResult.published || n), consumer: (result.cpuMs ?? Number.NaN) / committed.length, postgres: postgresCpu / n, kafka: kafkaCpu / n },
  };
}

/** The Postgres limit in a fresh schema of its own. */
async function pgLimitRun(id: string): Promise<number> {
  const schema = `${id}_l`;
  const orm = await openOrm(schema);
  await migrate(orm, env.DATABASE_URL as string);
  await orm.em.getConnection().execute(`create table "${schema}".orders (order_id uuid primary key, version int not null)`);
  await orm.close();
  const proc = child('pg-limit', { MB_BENCH_SCHEMA: schema });
  stopped.add(proc);
  return (await once<{ limit?: number }>(proc, (m) => m.limit !== undefined)).limit as number;
}

/** The Kafka limit on a topic of its own: produce → consume of the same bytes. */
async function kafkaLimitRun(id: string): Promise<number> {
  const prefix = `${id}_k.`;
  const producer = child('kafka-producer', { MB_BENCH_PREFIX: prefix });
  stopped.add(producer);
  await once<{ ready?: boolean }>(producer, (m) => m.ready === true);
  const consumer = child('kafka-consumer', { MB_BENCH_PREFIX: prefix });
  await once<{ ready?: boolean }>(consumer, (m) => m.ready === true);
  const doneP = once<{ consumed?: number; last?: number }>(consumer, (m) => m.consumed !== undefined);
  producer.send({ go: true });
  const produced = await once<{ started?: number }>(producer, (m) => m.started !== undefined);
  const done = await doneP;
  stopped.add(consumer);
  consumer.kill('SIGTERM');
  return (done.consumed as number) / (((done.last as number) - (produced.started as number)) / 1000);
}

async function main(): Promise<void> {
  const schema = process.env.MB_BENCH_SCHEMA as string;
  const prefix = process.env.MB_BENCH_PREFIX as string;
  if (role === 'writer') return writer(schema);
  if (role === 'relay') return service(schema, prefix, false);
  if (role === 'consumer') return service(`${schema}_c`, prefix, true);
  if (role === 'pg-limit') return pgLimit(schema);
  if (role === 'kafka-producer') return kafkaProducer(prefix);
  if (role === 'kafka-consumer') return kafkaConsumer(prefix);

  const rate = opt('rate', 3000);
  const seconds = opt('seconds', 10);
  const trialCount = opt('trials', 3);
  const liveOnly = args.includes('--live-only');
  process.stdout.write(`machine: ${machine()}\n`);
  const lives: Live[] = [];
  const pgLimits: number[] = [];
  const kafkaLimits: number[] = [];
  const load = loadByPhase();
  for (let t = 0; t < trialCount; t++) {
    const id = `bench_${Date.now().toString(36)}`;
    try {
      lives.push(await load.phase('live', () => liveRun(id)));
      // --live-only: the live path and its CPU per event alone (comparing builds); no limits, no ratio.
      if (!liveOnly) {
        pgLimits.push(await load.phase('postgres', () => pgLimitRun(id)));
        kafkaLimits.push(await load.phase('kafka', () => kafkaLimitRun(id)));
      }
    } finally {
      await dropSchemas(id);
    }
    const live = lives.at(-1)!;
    const cpu = live.cpuPerEvent;
    process.stderr.write(`trial ${t + 1}: live ${Math.round(live.sustained)}/s (p99 ${percentile(live.latencies, 99)} ms, warm-up p99 ${percentile(live.warmUpLatencies, 99)} ms; CPU per event writer ${cpu.writer.toFixed(3)}, relay ${cpu.relay.toFixed(3)}, consumer ${cpu.consumer.toFixed(3)}, Postgres ${cpu.postgres.toFixed(3)}, Kafka ${cpu.kafka.toFixed(3)} ms)${liveOnly ? '' : `, Postgres limit ${Math.round(pgLimits.at(-1)!)}/s, Kafka limit ${Math.round(kafkaLimits.at(-1)!)}/s`}\n`);
  }
  load.stop();
  const prefill = args.includes('--prefill');
  if (liveOnly) {
    const cpu = (k: keyof Live['cpuPerEvent']) => formatCpu(trials(lives.map((l) => l.cpuPerEvent[k])));
    const p99 = trials(lives.map((l) => percentile(l.latencies, 99)));
    process.stdout.write(`live only: ${formatLimit(trials(lives.map((l) => l.sustained)))} events/s, p99 ${p99.median} ms [${load.text('live')}]; CPU per event (ms): writer ${cpu('writer')}, relay ${cpu('relay')}, consumer ${cpu('consumer')}, Postgres ${cpu('postgres')}, Kafka ${cpu('kafka')}; ${coresText(lives)}\n${goalCheck(lives)}\n`);
    process.exit(0);
  }
  const pgT = trials(pgLimits);
  const kT = trials(kafkaLimits);
  const lower = pgT.median <= kT.median ? { what: 'the lower limit, Postgres (same outbox and state rows from a bare pg pool)', value: pgT, load: load.text('postgres') } : { what: 'the lower limit, Kafka (same Avro bytes, bare kafkajs producer → consumer)', value: kT, load: load.text('kafka') };
  const p = (q: number) => trials(lives.map((l) => percentile(l.latencies, q)));
  process.stdout.write(
    [
      `scenario: ${prefill ? 'prefill: the relay drains a full outbox (throughput only)' : 'live: writer, relay and consumer at once'}; writer ${args.includes('--writer') ? args[args.indexOf('--writer') + 1] : 'bulk'}; consumer ${args.includes('--consumer') ? args[args.indexOf('--consumer') + 1] : 'per-event'}; target ${rate} events/s for ${seconds} s, ${opt('writers', 4)} writers, ${opt('events-per-tx', 20)} events per transaction, ~1 KB Avro each`,
      `written per trial: ${lives.map((l) => `${l.written} in ${l.writerSeconds.toFixed(1)} s`).join(', ')}; consumer stats of the last: ${JSON.stringify(lives.at(-1)?.stats)}`,
      `CPU per event (ms, median of the trials; from each process's own clock, Postgres and the Kafka broker from /proc): ${(['writer', 'relay', 'consumer', 'postgres', 'kafka'] as const).map((k) => `${k} ${formatCpu(trials(lives.map((l) => l.cpuPerEvent[k])))}`).join(', ')}; ${coresText(lives)}`,
      `limits: Postgres ${formatLimit(pgT)} events/s [${load.text('postgres')}]; Kafka ${formatLimit(kT)} events/s [${load.text('kafka')}]`,
      ratioReport({
        figure: { what: 'events/s through outbox → relay → Kafka → idempotent consumer', value: trials(lives.map((l) => l.sustained)), unit: 'events/s', load: load.text('live'), extra: prefill ? undefined : `latency p50 ${p(50).median} ms, p99 ${p(99).median} ms (${p(99).min}–${p(99).max}); the first ${warmUpSeconds()} s after start apart: p99 ${trials(lives.map((l) => percentile(l.warmUpLatencies, 99))).median} ms` },
        limit: { what: lower.what, value: lower.value, unit: 'events/s', load: lower.load },
        goal: 'live ≥ 5,000 events/s with p99 ≤ 200 ms, or ≥ 60 % of the lower limit',
        digits: 0,
      }),
      prefill ? '' : goalCheck(lives),
      '',
    ].join('\n'),
  );
  process.exit(0);
}

function formatCpu(t: ReturnType<typeof trials>): string {
  return t.n === 1 ? t.median.toFixed(3) : `${t.median.toFixed(3)} (${t.min.toFixed(3)}–${t.max.toFixed(3)})`;
}

function formatLimit(t: ReturnType<typeof trials>): string {
  return `${Math.round(t.median).toLocaleString('en-US')} (${Math.round(t.min).toLocaleString('en-US')}–${Math.round(t.max).toLocaleString('en-US')})`;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
