// How the catalog's apply rate grows with the price history already stored: a fresh catalog schema
// (the service's migrations) with `--stored` price points already in it (6,000 varieties, as many
// days back as it takes), then new auction days applied exactly as the consumer applies them — the
// catalog's own set-based statement (applyAuctionPrices), one transaction per chunk of 100 events —
// timed, with Postgres CPU per row. Kafka and the inbox are left out: this is about the tables.
//
//   npm run build && npm run stack -- up --fast
//   node bench/catalog/apply-growth.mts [--stored 1000000] [--days 5] [--trials 3]
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { loadByPhase, machine, postgresCpuMs, stackEnv, trials } from '../machine.ts';
import { groupedDayRows } from '../synthetic-rows.ts';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const platform = require(path.join(root, 'packages/platform/dist/index.js'));
const { messagingMigrations, OutboxMessageSchema } = require(path.join(root, 'packages/messaging/dist/index.js'));
const { entities } = require(path.join(root, 'services/catalog/dist/data-access/entities.js'));
const { migrations } = require(path.join(root, 'services/catalog/dist/data-access/migrations/index.js'));
const { applyAuctionPrices } = require(path.join(root, 'services/catalog/dist/data-access/price-point-repository.js'));
const { toAuctionPrice } = require(path.join(root, 'services/catalog/dist/domain/auction-price.js'));
const synthetic = require(path.join(root, 'services/auction-ingest/dist/domain/synthetic-auction.js'));
const { CATEGORIES } = require(path.join(root, 'services/auction-ingest/dist/domain/auction-category.js'));
const ids = require(path.join(root, 'services/auction-ingest/dist/domain/stable-ids.js'));

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const stored = arg('stored', 1_000_000);
const days = arg('days', 5);
const trialCount = arg('trials', 3);
const stack = stackEnv();
const schema = `bench_apply_${randomUUID().slice(0, 6)}`;
const s = `"${schema}"`;
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);
process.stdout.write(`machine: ${machine()}\n`);

const db = new pg.Client({ connectionString: stack.DATABASE_URL });
await db.connect();
const env = { ...process.env, ...stack, DATABASE_SCHEMA: schema, KAFKA_TOPIC_PREFIX: `${schema}.`, INTERNAL_API_CALLERS: 'ordering=bench-token-0123456789' };
const orm = await platform.createOrm({ url: stack.DATABASE_URL, schema, entities: [...entities, OutboxMessageSchema], migrations: [...messagingMigrations, ...migrations], poolMax: 4 });
try {
  const migrate = spawn(process.execPath, ['services/catalog/dist/main.js', 'migrate'], { cwd: root, env, stdio: 'inherit' });
  await new Promise((resolve, reject) => migrate.on('exit', (code) => (code === 0 ? resolve(undefined) : reject(new Error(`migrate exited ${code}`)))));

  // The catalogue (varieties, items) from the synthetic market, then `stored` price points for them,
  // made by Postgres itself (generate_series), on days before the ones applied below.
  const varieties: Array<{ id: string; itemId: string; category: string; item: string; name: string }> = [];
  for (const c of CATEGORIES) {
    for (const v of synthetic.syntheticCatalogue(c.symbol, 'marketbill-synthetic-v1', 1500)) {
      varieties.push({ id: ids.varietyIdOf(c.symbol, v.item.name, v.name), itemId: ids.itemIdOf(c.symbol, v.item.name), category: c.symbol, item: v.item.name, name: v.name });
    }
  }
  const started = performance.now();
  await db.query(
    `insert into ${s}.item (id, category, name, search_name, chosung_name)
     select distinct on (i) i, c, n, n, n from jsonb_to_recordset($1::jsonb) as x(i uuid, c text, n text)`,
    [JSON.stringify(varieties.map((v) => ({ i: v.itemId, c: v.category, n: v.item })))],
  );
  await db.query(
    `insert into ${s}.variety (id, item_id, category, item_name, name, search_item, search_name, chosung_item, chosung_name, search_grams)
     select id, item_id, category, item, name, item, name, item, name, '{}' from jsonb_to_recordset($1::jsonb) as x(id uuid, item_id uuid, category text, item text, name text)`,
    [JSON.stringify(varieties.map((v) => ({ id: v.id, item_id: v.itemId, category: v.category, item: v.item, name: v.name })))],
  );
  const perDay = varieties.length * 3; // three grades per variety and day
  const storedDays = Math.ceil(stored / perDay);
  for (let d = 0; d < storedDays; d += 20) {
    const upto = Math.min(storedDays, d + 20);
    await db.query(
      `insert into ${s}.price_point (variety_id, sale_date, grade, min_price, avg_price, max_price, total_amount, total_quantity, revision, occurred_at, event_id)
       select v.id, date '2026-01-01' - d, g, 1000, 2000, 3000, 20000, 10, 1, now(), gen_random_uuid()
         from ${s}.variety v cross join generate_series($1::int + 1, $2::int) d cross join unnest(array['특', '상', '보통']) g
        limit $3`,
      [d, upto, Math.max(0, stored - d * perDay)],
    );
    log(`stored ${Math.min(stored, upto * perDay).toLocaleString('en-US')} price points`);
  }
  await db.query(`vacuum analyze ${s}.price_point`);
  await db.query(`analyze ${s}.variety`);
  const counted = Number((await db.query(`select count(*) as n from ${s}.price_point`)).rows[0].n);
  log(`${counted.toLocaleString('en-US')} price points stored in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  // New auction days (after the stored ones), as the consumer receives them, in chunks of 100.
  const load = loadByPhase();
  const rates: number[] = [];
  const cpu: number[] = [];
  for (let t = 0; t < trialCount; t++) {
    const events = [];
    for (let d = 0; d < days; d++) {
      const day = new Date(Date.parse('2026-03-02T00:00:00Z') + (t * days + d) * 86_400_000).toISOString().slice(0, 10);
      for (const category of CATEGORIES) {
        for (const row of groupedDayRows(synthetic.syntheticSaleLots(day, category, { seed: 'marketbill-synthetic-v1' }))) {
          events.push(
            toAuctionPrice({
              eventId: randomUUID(), occurredAt: Date.now(), saleDate: day, category: category.symbol, item: row.pumName, variety: row.goodName, grade: row.lvNm,
              minPrice: Number(row.minAmt), avgPrice: Number(row.avgAmt), maxPrice: Number(row.maxAmt), totalAmount: Number(row.totAmt), totalQuantity: Number(row.totQty),
              change: 'NEW', source: 'REPLAY', itemId: ids.itemIdOf(category.symbol, row.pumName), varietyId: ids.varietyIdOf(category.symbol, row.pumName, row.goodName), revision: 1,
            }),
          );
        }
      }
    }
    const t0 = performance.now();
    const pg0 = postgresCpuMs();
    await load.phase('apply', async () => {
      for (let i = 0; i < events.length; i += 100) {
        await orm.em.fork().transactional((em: unknown) => applyAuctionPrices(em, events.slice(i, i + 100)));
      }
    });
    rates.push(events.length / ((performance.now() - t0) / 1000));
    cpu.push((postgresCpuMs() - pg0) / events.length);
    log(`trial ${t + 1}: ${events.length} rows at ${Math.round(rates.at(-1)!)} rows/s, ${cpu.at(-1)!.toFixed(3)} ms Postgres CPU per row`);
  }
  load.stop();
  const r = trials(rates);
  process.stdout.write(
    `apply with ${counted.toLocaleString('en-US')} price points stored: ${Math.round(r.median)} rows/s (median of ${r.n}: ${Math.round(r.min)}–${Math.round(r.max)}); Postgres CPU ${trials(cpu).median.toFixed(3)} ms per row [${load.text('apply')}]\n`,
  );
} finally {
  await orm.close();
  await db.query(`drop schema if exists ${s} cascade`);
  await db.end();
}
