// How fast can catalog drain auction.price.updated? The same pre-filled topic drained twice:
//   service  — the real catalog service: the messaging subscriber's one transaction per message
//              (BEGIN, inbox insert, the handler's one statement, COMMIT);
//   batched  — an EXPERIMENT, not production code: a kafkajs eachBatch consumer that opens one
//              transaction per chunk of a Kafka batch, records all event ids with one multi-row
//              inbox insert and runs the catalog's own applyAuctionPrice per new event. It shows
//              what a batch mode in packages/messaging would buy (see bench/auction/README.md).
//
//   node bench/auction/consumer-drain.ts [--days 10]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { machine } from '../machine.ts';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const platform = require(path.join(root, 'packages/platform/dist/index.js'));
const messaging = require(path.join(root, 'packages/messaging/dist/index.js'));
const catalogEntities = require(path.join(root, 'services/catalog/dist/data-access/entities.js')).entities;
const catalogMigrations = require(path.join(root, 'services/catalog/dist/data-access/migrations/index.js')).migrations;
const { applyAuctionPrice } = require(path.join(root, 'services/catalog/dist/data-access/price-point-repository.js'));
const { toAuctionPrice } = require(path.join(root, 'services/catalog/dist/domain/auction-price.js'));

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] as string) : fallback;
};
const days = Number(arg('--days', '10'));
const to = arg('--to', '2026-11-25');
const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
const chunk = Number(arg('--chunk', '500'));

const stack = Object.fromEntries(
  readFileSync(path.join(process.env.MB_STACK_DIR ?? '/work/main/.stack', 'env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const id = randomBytes(3).toString('hex');
const prefix = `drain${id}.`;
const schemas = { ingest: `drain_ingest_${id}`, service: `drain_service_${id}`, batched: `drain_batched_${id}` };
const common = { ...process.env, ...stack, KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn', HTTP_PORT: '0', NODE_OPTIONS: '--disable-warning=TimeoutNegativeWarning' };
const db = new pg.Client({ connectionString: stack.DATABASE_URL });
await db.connect();
const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
const exists = async (table: string) => (await db.query(`select to_regclass($1) as t`, [table])).rows[0]?.t !== null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(probe: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(200);
  }
}
const children: ChildProcess[] = [];
function run(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

process.stdout.write(`machine: ${machine()}\n`);
try {
  // 1. Fill the topic: backfill, and the ingest service's relay publishes everything.
  const ingestEnv = { ...common, DATABASE_SCHEMA: schemas.ingest, CATCH_UP_DAYS: '0', IMPORT_SCHEDULE_ENABLED: 'false', AUCTION_SOURCE: 'replay' };
  const ingest = run(['services/auction-ingest/dist/main.js'], ingestEnv);
  await until(() => exists(`"${schemas.ingest}".import_run`), 60_000);
  const backfill = run(['services/auction-ingest/dist/main.js', 'backfill', '--from', from, '--to', to], ingestEnv);
  await new Promise((r) => backfill.on('exit', r));
  await until(async () => (await count(`select count(*) as n from "${schemas.ingest}".outbox`)) === 0, 300_000);
  const rows = await count(`select count(*) as n from "${schemas.ingest}".auction_row`);
  ingest.kill('SIGTERM');
  process.stdout.write(`topic filled: ${rows} events (${from} … ${to})\n`);

  // 2. The real catalog service drains it.
  const serviceStarted = Date.now();
  run(['services/catalog/dist/main.js'], { ...common, DATABASE_SCHEMA: schemas.service, INTERNAL_API_TOKEN: 'bench-token-0123456789' });
  await until(() => exists(`"${schemas.service}".price_point`), 60_000);
  let firstAt = 0;
  await until(async () => {
    const n = await count(`select count(*) as n from "${schemas.service}".price_point`);
    if (n > 0 && firstAt === 0) firstAt = Date.now();
    return n >= rows;
  }, 900_000);
  const serviceMs = Date.now() - firstAt;
  process.stdout.write(`service (one transaction per message): ${rows} in ${(serviceMs / 1000).toFixed(1)} s → ${Math.round(rows / (serviceMs / 1000))} rows/s (start-up ${(firstAt - serviceStarted) / 1000} s not counted)\n`);
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');

  // 3. The batched experiment drains the same topic into its own schema.
  const logger = platform.createLogger({ service: 'drain-experiment', level: 'warn' });
  const orm = await platform.createOrm({ url: stack.DATABASE_URL, schema: schemas.batched, entities: [messaging.OutboxMessageSchema, ...catalogEntities], migrations: [...messaging.messagingMigrations, ...catalogMigrations] });
  await platform.migrate(orm, stack.DATABASE_URL);
  const naming = messaging.createTopicNaming(prefix);
  const codec = messaging.createEventCodec(messaging.createRegistryClient(stack.SCHEMA_REGISTRY_URL), naming);
  const kafka = messaging.createKafka({ brokers: stack.KAFKA_BROKERS.split(','), clientId: 'drain-experiment', logger });
  const consumer = kafka.consumer({ groupId: `drain-experiment-${id}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [naming.topic('auction.price.updated')], fromBeginning: true });
  let applied = 0;
  let started = 0;
  const inbox = `"${schemas.batched}".inbox`;
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat }: { batch: { messages: Array<{ value: Buffer; offset: string }> }; resolveOffset: (o: string) => void; heartbeat: () => Promise<void> }) => {
      if (started === 0) started = Date.now();
      for (let i = 0; i < batch.messages.length; i += chunk) {
        const part = batch.messages.slice(i, i + chunk);
        const events = await Promise.all(part.map((m) => codec.decode('auction.price.updated', m.value)));
        await orm.em.fork().transactional(async (em: { getConnection(): { execute(sql: string, params: unknown[], method: string, ctx: unknown): Promise<Array<{ event_id: string }>> }; getTransactionContext(): unknown }) => {
          const fresh = await em.getConnection().execute(
            `insert into ${inbox} (consumer_group, event_id, topic) select 'catalog', e::uuid, 'auction.price.updated' from jsonb_array_elements_text(?::jsonb) as e
             on conflict do nothing returning event_id`,
            [JSON.stringify(events.map((e: { eventId: string }) => e.eventId))],
            'all',
            em.getTransactionContext(),
          );
          const ids = new Set(fresh.map((r) => r.event_id));
          for (const event of events) if (ids.has(event.eventId)) await applyAuctionPrice(em, toAuctionPrice(event));
        });
        applied += part.length;
        resolveOffset(part.at(-1)!.offset);
        await heartbeat();
      }
    },
  });
  await until(async () => applied >= rows, 900_000);
  const batchedMs = Date.now() - started;
  const stored = await count(`select count(*) as n from "${schemas.batched}".price_point`);
  process.stdout.write(`batched experiment (one transaction per ${chunk} messages): ${stored} in ${(batchedMs / 1000).toFixed(1)} s → ${Math.round(stored / (batchedMs / 1000))} rows/s\n`);
  await consumer.disconnect();
  await orm.close();
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await sleep(3_000);
  for (const s of Object.values(schemas)) await db.query(`drop schema if exists "${s}" cascade`);
  await db.end();
}
