// Keyword search latency of the catalog's internal API over a year of synthetic history.
//
//   node bench/catalog/search-latency.mts [--rate 200] [--seconds 30] [--days 365]
//
// 1. Seeds a fresh catalog schema (the service's own migrations) with `--days` days × 4 categories
//    of the synthetic replay data, written in bulk with SQL into the tables the consumer fills
//    (items, varieties with their search terms from the catalog's own domain code, price points,
//    variety summaries). Seeding bypasses Kafka: this benchmark is about reads.
// 2. Starts the catalog service (a real process, access logs on) and sends an open-loop load of
//    `--rate` requests per second for `--seconds`: GET /internal/v1/varieties with partial Korean
//    keywords, whole item names, 초성 queries, some with a buyable window and a price sort.
//    Latency is measured from each request's scheduled start, so a stall counts against every
//    request it delays (no coordinated omission).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { machine, percentile } from '../machine.ts';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const synthetic = require(path.join(root, 'services/auction-ingest/dist/domain/synthetic-auction.js'));
const categories = require(path.join(root, 'services/auction-ingest/dist/domain/auction-category.js')).CATEGORIES;
const ids = require(path.join(root, 'services/auction-ingest/dist/domain/stable-ids.js'));
const search = require(path.join(root, 'services/catalog/dist/domain/search-text.js'));

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] as string) : fallback;
};
const rate = Number(arg('--rate', '200'));
const seconds = Number(arg('--seconds', '30'));
const days = Number(arg('--days', '365'));
const to = arg('--to', '2026-11-25');

const stack = Object.fromEntries(
  readFileSync(path.join(process.env.MB_STACK_DIR ?? '/work/main/.stack', 'env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
// --reuse <schema>: load against a schema kept by an earlier run (--keep), without seeding again.
const reuse = process.argv.includes('--reuse') ? arg('--reuse', '') : undefined;
const schema = reuse ?? `bench_search_${randomBytes(3).toString('hex')}`;
const token = 'bench-token-0123456789';
// --profile: a V8 CPU profile of the catalog process in bench/out/.
const nodeOptions = `--disable-warning=TimeoutNegativeWarning${process.argv.includes('--profile') ? ` --cpu-prof --cpu-prof-dir=${path.join(root, 'bench/out')}` : ''}`;
const env = { ...process.env, ...stack, DATABASE_SCHEMA: schema, KAFKA_TOPIC_PREFIX: `${schema}.`, INTERNAL_API_CALLERS: `ordering=${token}`, HTTP_PORT: '0', LOG_LEVEL: 'info', NODE_OPTIONS: nodeOptions };
const db = new pg.Client({ connectionString: stack.DATABASE_URL });
await db.connect();
const t = `"${schema}"`;
process.stdout.write(`machine: ${machine()}\n`);

function catalogueNames(): { varieties: Array<{ item: string; name: string }>; itemNames: string[] } {
  const all = categories.flatMap((c: { symbol: string }) => synthetic.syntheticCatalogue(c.symbol, 'marketbill-synthetic-v1', 1500)) as Array<{ item: { name: string }; name: string }>;
  return { varieties: all.map((v) => ({ item: v.item.name, name: v.name })), itemNames: [...new Set(all.map((v) => v.item.name))] };
}

async function seed(): Promise<void> {
  const migrate = spawn(process.execPath, ['services/catalog/dist/main.js', 'migrate'], { cwd: root, env, stdio: 'inherit' });
  await new Promise((resolve, reject) => migrate.on('exit', (code) => (code === 0 ? resolve(undefined) : reject(new Error(`migrate exited ${code}`)))));
  const started = Date.now();
  const items = new Map<string, { id: string; category: string; name: string }>();
  const varieties = new Map<string, { id: string; itemId: string; category: string; item: string; name: string }>();
  let points: unknown[] = [];
  let total = 0;
  const flush = async () => {
    if (points.length === 0) return;
    await db.query(
      `insert into ${t}.price_point (variety_id, sale_date, grade, min_price, avg_price, max_price, total_amount, total_quantity, revision, occurred_at, event_id)
       select v, d, g, mi, av, ma, ta, tq, 1, now(), gen_random_uuid() from jsonb_to_recordset($1::jsonb)
         as x(v uuid, d date, g text, mi bigint, av bigint, ma bigint, ta bigint, tq bigint)`,
      [JSON.stringify(points)],
    );
    total += points.length;
    points = [];
  };
  // Varieties first (the price points reference them), then the history day by day.
  const allDays: string[] = [];
  for (let i = days - 1; i >= 0; i--) allDays.push(new Date(Date.parse(`${to}T00:00:00Z`) - i * 86_400_000).toISOString().slice(0, 10));
  for (const category of categories) {
    for (const v of synthetic.syntheticCatalogue(category.symbol, 'marketbill-synthetic-v1', 1500)) {
      const itemId = ids.itemIdOf(category.symbol, v.item.name);
      items.set(itemId, { id: itemId, category: category.symbol, name: v.item.name });
      const id = ids.varietyIdOf(category.symbol, v.item.name, v.name);
      varieties.set(id, { id, itemId, category: category.symbol, item: v.item.name, name: v.name });
    }
  }
  await db.query(
    `insert into ${t}.item (id, category, name, search_name, chosung_name) select id, category, name, s, c from jsonb_to_recordset($1::jsonb) as x(id uuid, category text, name text, s text, c text)`,
    [JSON.stringify([...items.values()].map((i) => ({ ...i, s: search.normalizeSearchText(i.name), c: search.chosungOf(i.name) })))],
  );
  await db.query(
    `insert into ${t}.variety (id, item_id, category, item_name, name, search_item, search_name, chosung_item, chosung_name, search_grams)
     select id, item_id, category, item, name, si, sn, ci, cn, array(select jsonb_array_elements_text(grams))
       from jsonb_to_recordset($1::jsonb) as x(id uuid, item_id uuid, category text, item text, name text, si text, sn text, ci text, cn text, grams jsonb)`,
    [
      JSON.stringify(
        [...varieties.values()].map((v) => ({
          id: v.id, item_id: v.itemId, category: v.category, item: v.item, name: v.name,
          si: search.normalizeSearchText(v.item), sn: search.normalizeSearchText(v.name), ci: search.chosungOf(v.item), cn: search.chosungOf(v.name),
          grams: search.searchGramsOf(v.item, v.name),
        })),
      ),
    ],
  );
  for (const day of allDays) {
    for (const category of categories) {
      for (const row of synthetic.syntheticAuctionDay(day, category, { seed: 'marketbill-synthetic-v1' })) {
        points.push({
          v: ids.varietyIdOf(category.symbol, row.pumName, row.goodName), d: day, g: row.lvNm,
          mi: Number(row.minAmt), av: Number(row.avgAmt), ma: Number(row.maxAmt), ta: Number(row.totAmt), tq: Number(row.totQty),
        });
      }
    }
    if (points.length >= 20_000) await flush();
  }
  await flush();
  await db.query(`update ${t}.variety v set last_auction_date = s.sale_date, latest_avg_price = s.avg
    from (select distinct on (variety_id) variety_id, sale_date, round(sum(total_amount)::numeric / nullif(sum(total_quantity), 0))::bigint as avg
            from ${t}.price_point group by variety_id, sale_date order by variety_id, sale_date desc) s
   where s.variety_id = v.id`);
  await db.query(`analyze ${t}.item; analyze ${t}.variety; analyze ${t}.price_point`);
  const counted = (await db.query(`select (select count(*) from ${t}.variety where last_auction_date is not null) as v, (select count(*) from ${t}.item) as i`)).rows[0];
  process.stdout.write(`seeded ${total} price points, ${counted.v} varieties with history, ${counted.i} items (${days} days) in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

/** Query mix: partial syllables of variety names, whole item names, 초성 of names, and keyword + window + price sort. */
function queries(data: { varieties: Array<{ item: string; name: string }>; itemNames: string[] }, count: number): string[] {
  let s = 42;
  const random = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)] as T;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const v = pick(data.varieties);
    const chars = [...v.name];
    const start = Math.floor(random() * Math.max(1, chars.length - 1));
    const part = chars.slice(start, start + 2 + Math.floor(random() * 2)).join('');
    const kind = random();
    const q =
      kind < 0.4 ? part : kind < 0.6 ? pick(data.itemNames) : kind < 0.8 ? search.chosungOf(chars.slice(0, 2 + Math.floor(random() * 2)).join('')) : part;
    const extra = kind >= 0.8 ? `&buyableFrom=${new Date(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10)}&buyableTo=${to}&sort=-latestAvgPrice` : '';
    out.push(`/internal/v1/varieties?q=${encodeURIComponent(q)}&size=20${extra}`);
  }
  return out;
}


let service: ReturnType<typeof spawn> | undefined;
try {
  if (!reuse) await seed();
  const data = catalogueNames();
  service = spawn(process.execPath, ['services/catalog/dist/main.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => {
    let buffer = '';
    service!.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const m = /"port":(\d+)[^\n]*"service started"/.exec(buffer);
      if (m) resolve(Number(m[1]));
      if (buffer.length > 100_000) buffer = buffer.slice(-10_000);
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${token}` };
  const warm = queries(data, 500);
  for (const q of warm.slice(0, 200)) await (await fetch(base + q, { headers })).arrayBuffer();

  const list = queries(data, rate * seconds);
  const latencies: number[] = [];
  const results: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    list.map(async (q, i) => {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        const response = await fetch(base + q, { headers });
        const body = (await response.json()) as { total?: number };
        if (response.status !== 200) errors++;
        else results.push(body.total ?? 0);
      } catch {
        errors++;
      }
      latencies.push(performance.now() - due);
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  results.sort((a, b) => a - b);
  process.stdout.write(
    [
      `load: ${list.length} requests at ${rate}/s over ${elapsed.toFixed(1)} s, ${errors} errors; matches per query: median ${percentile(results, 50)}, p90 ${percentile(results, 90)}`,
      `latency ms: p50 ${percentile(latencies, 50).toFixed(1)}  p90 ${percentile(latencies, 90).toFixed(1)}  p99 ${percentile(latencies, 99).toFixed(1)}  max ${latencies.at(-1)?.toFixed(1)}`,
      '',
    ].join('\n'),
  );
} finally {
  service?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 2_000));
  if (!process.argv.includes('--keep') && !reuse) await db.query(`drop schema if exists ${t} cascade`);
  await db.end();
}
