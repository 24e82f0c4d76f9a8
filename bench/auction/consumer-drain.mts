// How fast can catalog drain auction.price.updated? The same pre-filled topic drained twice:
//   service  — the real catalog service: the messaging subscriber's one transaction per message
//              (BEGIN, inbox insert, the handler's one statement, COMMIT);
//   batched  — an EXPERIMENT, not production code: a kafkajs eachBatch consumer that opens one
//              transaction per chunk of a Kafka batch, records all event ids with one multi-row
//              inbox insert and runs the catalog's own applyAuctionPrice per new event. It shows
//              what a batch mode in packages/messaging would buy (see bench/auction/README.md);
//   set-based — the same, but each chunk is applied with ONE statement (a set-based version of the
//              catalog's statement, written here for the experiment only): what a batch handler
//              in the subscriber would allow.
//
//   node bench/auction/consumer-drain.mts [--days 10]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { machine, stackEnv } from '../machine.ts';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const platform = require(path.join(root, 'packages/platform/dist/index.js'));
const messaging = require(path.join(root, 'packages/messaging/dist/index.js'));
const catalogEntities = require(path.join(root, 'services/catalog/dist/data-access/entities.js')).entities;
const catalogMigrations = require(path.join(root, 'services/catalog/dist/data-access/migrations/index.js')).migrations;
const { applyAuctionPrice } = require(path.join(root, 'services/catalog/dist/data-access/price-point-repository.js'));
const { toAuctionPrice } = require(path.join(root, 'services/catalog/dist/domain/auction-price.js'));
const search = require(path.join(root, 'services/catalog/dist/domain/search-text.js'));
const { topics } = require(path.join(root, 'services/catalog/dist/topics.js'));

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] as string) : fallback;
};
const days = Number(arg('--days', '10'));
const to = arg('--to', '2026-11-25');
const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
const chunk = Number(arg('--chunk', '500'));

const stack = stackEnv();
const id = randomBytes(3).toString('hex');
const prefix = `drain${id}.`;
const schemas = { ingest: `drain_ingest_${id}`, service: `drain_service_${id}`, batched: `drain_batched_${id}`, setBased: `drain_set_${id}` };
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

type Em = { getConnection(): { execute(sql: string, params: unknown[], method: string, ctx: unknown): Promise<Array<{ event_id: string }>> }; getTransactionContext(): unknown };
type Price = { itemId: string; varietyId: string; category: string; itemName: string; varietyName: string; saleDate: string; grade: string; minPrice: number; avgPrice: number; maxPrice: number; totalAmount: number; totalQuantity: number; revision: number; occurredAt: number; eventId: string };

/**
 * EXPERIMENT: the catalog's per-event statement made set-based for a chunk of events. The newest
 * state per (variety, day, grade) is kept first (one INSERT … ON CONFLICT cannot touch a row twice);
 * the variety summary is computed for each variety's newest touched day from the new figures plus
 * the snapshot's other grades, and written by the variety upsert itself (a later statement part
 * cannot see rows inserted by an earlier CTE).
 */
async function applyAuctionPricesAtOnce(em: Em, schema: string, prices: Price[]): Promise<void> {
  if (prices.length === 0) return;
  const newest = new Map<string, Price>();
  for (const p of prices) {
    const key = `${p.varietyId}|${p.saleDate}|${p.grade}`;
    const seen = newest.get(key);
    if (!seen || seen.revision < p.revision || (seen.revision === p.revision && seen.occurredAt < p.occurredAt)) newest.set(key, p);
  }
  const rows = [...newest.values()].map((p) => ({
    item_id: p.itemId, category: p.category, item_name: p.itemName, item_search: search.normalizeSearchText(p.itemName), item_chosung: search.chosungOf(p.itemName),
    variety_id: p.varietyId, variety_name: p.varietyName, variety_search: search.normalizeSearchText(p.varietyName), variety_chosung: search.chosungOf(p.varietyName),
    grams: search.searchGramsOf(p.itemName, p.varietyName), sale_date: p.saleDate, grade: p.grade, min_price: p.minPrice, avg_price: p.avgPrice, max_price: p.maxPrice,
    total_amount: p.totalAmount, total_quantity: p.totalQuantity, revision: p.revision, occurred_ms: p.occurredAt, event_id: p.eventId,
  }));
  const s = `"${schema}"`;
  await em.getConnection().execute(
    `with input as (
       select * from jsonb_to_recordset(?::jsonb) as x(item_id uuid, category text, item_name text, item_search text, item_chosung text,
         variety_id uuid, variety_name text, variety_search text, variety_chosung text, grams text[], sale_date date, grade text,
         min_price bigint, avg_price bigint, max_price bigint, total_amount bigint, total_quantity bigint, revision int, occurred_ms double precision, event_id uuid)
     ), it as (
       insert into ${s}.item (id, category, name, search_name, chosung_name)
       select distinct on (item_id) item_id, category, item_name, item_search, item_chosung from input order by item_id
       on conflict (id) do nothing
     ), pp as (
       insert into ${s}.price_point as p (variety_id, sale_date, grade, min_price, avg_price, max_price, total_amount, total_quantity, revision, occurred_at, event_id)
       select variety_id, sale_date, grade, min_price, avg_price, max_price, total_amount, total_quantity, revision, to_timestamp(occurred_ms / 1000), event_id from input
       on conflict (variety_id, sale_date, grade) do update set
         min_price = excluded.min_price, avg_price = excluded.avg_price, max_price = excluded.max_price, total_amount = excluded.total_amount,
         total_quantity = excluded.total_quantity, revision = excluded.revision, occurred_at = excluded.occurred_at, event_id = excluded.event_id
       where (p.revision, p.occurred_at) < (excluded.revision, excluded.occurred_at)
       returning variety_id, sale_date, grade, total_amount, total_quantity
     ), latest as (
       select distinct on (variety_id) variety_id, sale_date from pp order by variety_id, sale_date desc
     ), day as (
       select l.variety_id, l.sale_date,
              (select coalesce(sum(total_amount), 0) from pp where pp.variety_id = l.variety_id and pp.sale_date = l.sale_date)
            + (select coalesce(sum(o.total_amount), 0) from ${s}.price_point o where o.variety_id = l.variety_id and o.sale_date = l.sale_date
                  and not exists (select 1 from pp where pp.variety_id = o.variety_id and pp.sale_date = o.sale_date and pp.grade = o.grade)) as amount,
              (select coalesce(sum(total_quantity), 0) from pp where pp.variety_id = l.variety_id and pp.sale_date = l.sale_date)
            + (select coalesce(sum(o.total_quantity), 0) from ${s}.price_point o where o.variety_id = l.variety_id and o.sale_date = l.sale_date
                  and not exists (select 1 from pp where pp.variety_id = o.variety_id and pp.sale_date = o.sale_date and pp.grade = o.grade)) as quantity
         from latest l
     )
     insert into ${s}.variety as v (id, item_id, category, item_name, name, search_item, search_name, chosung_item, chosung_name, search_grams, last_auction_date, latest_avg_price)
     select i.variety_id, i.item_id, i.category, i.item_name, i.variety_name, i.item_search, i.variety_search, i.item_chosung, i.variety_chosung, i.grams,
            day.sale_date, case when day.quantity > 0 then round(day.amount::numeric / day.quantity)::bigint end
       from (select distinct on (variety_id) * from input order by variety_id) i join day on day.variety_id = i.variety_id
     on conflict (id) do update set last_auction_date = excluded.last_auction_date, latest_avg_price = excluded.latest_avg_price, updated_at = now()
     where v.last_auction_date is null or v.last_auction_date <= excluded.last_auction_date`,
    [JSON.stringify(rows)],
    'run',
    em.getTransactionContext(),
  );
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
  run(['services/catalog/dist/main.js'], { ...common, DATABASE_SCHEMA: schemas.service, INTERNAL_API_CALLERS: 'ordering=bench-token-0123456789' });
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

  // 3. The experiments drain the same topic into their own schemas.
  const logger = platform.createLogger({ service: 'drain-experiment', level: 'warn' });
  const naming = messaging.createTopicNaming(topics, prefix);
  const codec = messaging.createEventCodec(messaging.createRegistryClient(stack.SCHEMA_REGISTRY_URL), naming);
  const kafka = messaging.createKafka({ brokers: stack.KAFKA_BROKERS.split(','), clientId: 'drain-experiment', logger });
  for (const mode of ['batched', 'setBased'] as const) {
    const schema = schemas[mode];
    const orm = await platform.createOrm({ url: stack.DATABASE_URL, schema, entities: [messaging.OutboxMessageSchema, ...catalogEntities], migrations: [...messaging.messagingMigrations, ...catalogMigrations] });
    await platform.migrate(orm, stack.DATABASE_URL);
    const consumer = kafka.consumer({ groupId: `drain-${mode}-${id}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [naming.topic('auction.price.updated')], fromBeginning: true });
    let applied = 0;
    let started = 0;
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }: { batch: { messages: Array<{ value: Buffer; offset: string }> }; resolveOffset: (o: string) => void; heartbeat: () => Promise<void> }) => {
        if (started === 0) started = Date.now();
        for (let i = 0; i < batch.messages.length; i += chunk) {
          const part = batch.messages.slice(i, i + chunk);
          const events = await Promise.all(part.map((m) => codec.decode('auction.price.updated', m.value)));
          await orm.em.fork().transactional(async (em: Em) => {
            const fresh = await em.getConnection().execute(
              `insert into "${schema}".inbox (consumer_group, event_id, topic) select 'catalog', e::uuid, 'auction.price.updated' from jsonb_array_elements_text(?::jsonb) as e
               on conflict do nothing returning event_id`,
              [JSON.stringify(events.map((e: { eventId: string }) => e.eventId))],
              'all',
              em.getTransactionContext(),
            );
            const ids = new Set(fresh.map((r) => r.event_id));
            const prices = events.filter((e: { eventId: string }) => ids.has(e.eventId)).map(toAuctionPrice);
            if (mode === 'batched') for (const p of prices) await applyAuctionPrice(em, p);
            else await applyAuctionPricesAtOnce(em, schema, prices);
          });
          applied += part.length;
          resolveOffset(part.at(-1)!.offset);
          await heartbeat();
        }
      },
    });
    await until(async () => applied >= rows, 900_000);
    const ms = Date.now() - started;
    const stored = await count(`select count(*) as n from "${schema}".price_point`);
    const label = mode === 'batched' ? `one transaction per ${chunk} messages, one statement per event` : `one transaction and one statement per ${chunk} messages`;
    process.stdout.write(`${mode} experiment (${label}): ${stored} in ${(ms / 1000).toFixed(1)} s → ${Math.round(stored / (ms / 1000))} rows/s\n`);
    if (mode === 'setBased') {
      // Same outcome as the real service? Compare the variety summaries and price points.
      const diff = await count(`select count(*) as n from (
        (select id, last_auction_date, latest_avg_price from "${schemas.service}".variety except select id, last_auction_date, latest_avg_price from "${schema}".variety)
        union all (select variety_id::text::uuid, sale_date, avg_price from "${schemas.service}".price_point except select variety_id, sale_date, avg_price from "${schema}".price_point)) d`);
      process.stdout.write(`set-based result differs from the service's in ${diff} rows\n`);
    }
    await consumer.disconnect();
    await orm.close();
  }
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await sleep(3_000);
  for (const s of Object.values(schemas)) await db.query(`drop schema if exists "${s}" cascade`);
  await db.end();
}
