// Keyword search latency of the catalog's internal API over a year of synthetic history, beside its
// limit measured in the same run: the very statement the service sends for each request (captured
// from the catalog's own search code), run through a raw `pg` pool as a prepared statement at the
// same rate. The first trial starts right after seeding (autovacuum and hint bits still to come);
// trials alternate service, limit, service, limit …
//
//   npm run build && npm run stack -- up --fast
//   node bench/catalog/search-latency.mts [--rate 200] [--seconds 20] [--trials 3] [--varieties 6000] [--days 365]
//                                         [--keep] [--reuse <schema>] [--profile] [--dist <another build's services/catalog/dist>] [--warm 100]
//                                         [--node-args '<flags>'] [--service-log <file>]
//
// 1. Seeds a fresh catalog schema (the service's own migrations) with `--days` days × 4 categories
//    of the synthetic replay data (`--varieties` in all, about 1,000 price rows per category and
//    auction day as the real market), written in bulk with SQL into the tables the consumer fills
//    (items, varieties with their search terms from the catalog's own domain code, price points,
//    variety summaries). Seeding bypasses Kafka: this benchmark is about reads.
// 2. Starts the catalog service (a real process, access logs on, its warm-up before ready as
//    deploy/k8s sets it: SEARCH_WARM_UP_REQUESTS, overridable from the environment; 0 = none)
//    and sends an open-loop load of
//    `--rate` requests per second for `--seconds`: GET /internal/v1/varieties with partial Korean
//    keywords, whole item names, 초성 queries, some with a buyable window and a price sort.
//    Latency is measured from each request's scheduled start, so a stall counts against every
//    request it delays (no coordinated omission). The limit's requests are timed the same way.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { cpuMark, loadByPhase, machine, percentile, postgresCpuMs, processCpuMs, ratioReport, stackEnv, stealText, trials } from '../machine.ts';
import { groupedDayRows } from '../synthetic-rows.ts';

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
const seconds = Number(arg('--seconds', '20'));
const trialCount = Number(arg('--trials', '3'));
const perCategory = Math.round(Number(arg('--varieties', '6000')) / 4);
const catalogDist = process.argv.includes('--dist') ? arg('--dist', '') : path.join(root, 'services/catalog/dist');
const days = Number(arg('--days', '365'));
const warm = Number(arg('--warm', '100'));
const to = arg('--to', '2026-11-25');

const stack = stackEnv();
// --reuse <schema>: load against a schema kept by an earlier run (--keep), without seeding again.
const reuse = process.argv.includes('--reuse') ? arg('--reuse', '') : undefined;
const schema = reuse ?? `bench_search_${randomBytes(3).toString('hex')}`;
const token = 'bench-token-0123456789';
// --profile: a V8 CPU profile of the catalog process in bench/out/.
const nodeOptions = `--disable-warning=TimeoutNegativeWarning${process.argv.includes('--profile') ? ` --cpu-prof --cpu-prof-dir=${path.join(root, 'bench/out')}` : ''}`;
// --node-args '<flags>': flags for the catalog process's command line, where V8's own flags are
// allowed (NODE_OPTIONS refuses --trace-gc and its like); keep what they print with --service-log.
const nodeArgs = process.argv.includes('--node-args') ? arg('--node-args', '').split(' ').filter(Boolean) : [];
// The catalog as Kubernetes runs it: its warm-up before ready (SEARCH_WARM_UP_REQUESTS of
// deploy/k8s/base/config/catalog.env) unless the environment sets one (0 = none).
const deployedWarmUp = /^SEARCH_WARM_UP_REQUESTS=(\d+)$/m.exec(fs.readFileSync(path.join(root, 'deploy/k8s/base/config/catalog.env'), 'utf8'))?.[1] ?? '0';
const serviceWarmUp = process.env.SEARCH_WARM_UP_REQUESTS ?? deployedWarmUp;
const env = { ...process.env, ...stack, SEARCH_WARM_UP_REQUESTS: serviceWarmUp, DATABASE_SCHEMA: schema, KAFKA_TOPIC_PREFIX: `${schema}.`, INTERNAL_API_CALLERS: `ordering=${token}`, HTTP_PORT: '0', LOG_LEVEL: 'info', NODE_OPTIONS: nodeOptions };
const db = new pg.Client({ connectionString: stack.DATABASE_URL });
await db.connect();
const t = `"${schema}"`;
process.stdout.write(`machine: ${machine()}\n`);
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

function catalogueNames(): { varieties: Array<{ item: string; name: string }>; itemNames: string[] } {
  const all = categories.flatMap((c: { symbol: string }) => synthetic.syntheticCatalogue(c.symbol, 'marketbill-synthetic-v1', perCategory)) as Array<{ item: { name: string }; name: string }>;
  return { varieties: all.map((v) => ({ item: v.item.name, name: v.name })), itemNames: [...new Set(all.map((v) => v.item.name))] };
}

async function seed(): Promise<void> {
  const migrate = spawn(process.execPath, [path.join(catalogDist, 'main.js'), 'migrate'], { cwd: root, env, stdio: 'inherit' });
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
    for (const v of synthetic.syntheticCatalogue(category.symbol, 'marketbill-synthetic-v1', perCategory)) {
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
      for (const row of groupedDayRows(synthetic.syntheticSaleLots(day, category, { seed: 'marketbill-synthetic-v1', varietiesPerCategory: perCategory }))) {
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
  await db.query(`analyze ${t}.item`);
  const settled = await settleAfterSeed();
  if (settled) log(`settled after the seed as the catalog settles a bulk write: ${settled}`);
  else await db.query(`analyze ${t}.variety; analyze ${t}.price_point`);
  const counted = (await db.query(`select (select count(*) from ${t}.variety where last_auction_date is not null) as v, (select count(*) from ${t}.item) as i`)).rows[0];
  process.stdout.write(`seeded ${total} price points, ${counted.v} varieties with history, ${counted.i} items (${days} days) in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

/**
 * The seed is an import that bypasses the consumer, so it ends with the step the catalog takes after
 * any bulk write (its settle job: use-cases/settle-bulk-writes), from the build under test — the same
 * decision on the same counters and the same statements. Answers what it did, or undefined for a
 * build without that step (which then gets the plain `analyze` it always had).
 */
async function settleAfterSeed(): Promise<string | undefined> {
  let upkeep: { tableWritesSql(): string; toTableWrites(rows: unknown[]): unknown; settleSql(schema: string, table: string, how: string): string };
  let settle: { dueSettling(now: unknown, before: unknown): Array<{ table: string; how: string; rows: number }> };
  try {
    upkeep = require(path.join(catalogDist, 'data-access/table-upkeep-repository.js'));
    settle = require(path.join(catalogDist, 'use-cases/settle-bulk-writes.js'));
  } catch {
    return undefined;
  }
  // Postgres counts this session's writes when it next reports its statistics (within a second).
  await db.query('select pg_stat_force_next_flush()');
  const started = Date.now();
  const due = settle.dueSettling(upkeep.toTableWrites((await db.query(upkeep.tableWritesSql(), [schema])).rows), undefined);
  for (const d of due) await db.query(upkeep.settleSql(schema, d.table, d.how));
  return `${due.map((d) => `${d.how} ${d.table} (${d.rows.toLocaleString('en-US')} rows)`).join(', ') || 'nothing due'} in ${((Date.now() - started) / 1000).toFixed(1)} s`;
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


/**
 * The statement the catalog sends for one request URL, captured from the search code of the build
 * under test: a prepared statement (preparedQuery), or for an older build a query given to
 * MikroORM's execute, whose `?` placeholders are numbered here so the limit can prepare it.
 */
const { searchVarieties } = require(path.join(catalogDist, 'use-cases/search-varieties.js'));
async function statementOf(url: string): Promise<{ text: string; values: unknown[] }> {
  const q = new URL(url, 'http://x').searchParams;
  let captured: { text: string; values: unknown[] } | undefined;
  const connection = { query: async (c: { text: string; values: unknown[] }) => ((captured = c), { rows: [] }) };
  const em = {
    config: { get: () => schema },
    getTransactionContext: () => ({ client: { acquireConnection: async () => connection, releaseConnection: async () => undefined } }),
    getConnection: () => ({
      execute: async (text: string, values: unknown[]) => {
        let n = 0;
        captured = { text: text.replace(/\?/g, () => `$${++n}`), values };
        return [];
      },
    }),
  };
  await searchVarieties(em, {
    q: q.get('q') ?? undefined,
    ...(q.get('buyableFrom') ? { buyableFrom: q.get('buyableFrom') } : {}),
    ...(q.get('buyableTo') ? { buyableTo: q.get('buyableTo') } : {}),
    sort: q.get('sort') ?? 'name',
    page: 0,
    size: Number(q.get('size') ?? 20),
  });
  if (!captured) throw new Error(`no statement for ${url}`);
  return captured;
}

interface Trial {
  latencies: number[];
  errors: number;
  matches: number[];
  /** CPU ms per request: the catalog process (service trials) or this process (limit trials), and Postgres. */
  cpu: { caller: number; postgres: number };
}

/** Sends `work(i)` for every item at `rate` per second, open loop; latency from the scheduled start. */
async function openLoop(count: number, callerCpu: () => number, work: (i: number) => Promise<number | undefined>): Promise<Trial> {
  const latencies: number[] = [];
  const matches: number[] = [];
  let errors = 0;
  const cpu0 = { caller: callerCpu(), postgres: postgresCpuMs() };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        const total = await work(i);
        if (total === undefined) errors++;
        else matches.push(total);
      } catch {
        errors++;
      }
      latencies.push(performance.now() - due);
    }),
  );
  latencies.sort((a, b) => a - b);
  return { latencies, errors, matches, cpu: { caller: (callerCpu() - cpu0.caller) / count, postgres: (postgresCpuMs() - cpu0.postgres) / count } };
}

let service: ReturnType<typeof spawn> | undefined;
const pool = new pg.Pool({ connectionString: stack.DATABASE_URL, max: 10, idleTimeoutMillis: 0 });
try {
  if (!reuse) await seed();
  const data = catalogueNames();
  service = spawn(process.execPath, [...nodeArgs, path.join(catalogDist, 'main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  // --service-log <file>: the catalog's stdout (its logs, and what --node-args adds) kept in a file.
  if (process.argv.includes('--service-log')) service.stdout!.pipe(fs.createWriteStream(arg('--service-log', '')));
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
  const list = queries(data, 2 * rate * seconds * trialCount + 400);
  const statements = await Promise.all(list.map(statementOf));
  // Warm-up: JIT, pools, prepared statements — short by default, so the first trial is still "right
  // after seeding" for the data and for a process that just started. `--warm <n>` sends n requests
  // instead (cycling through the 400 queries kept apart from the trials): it tells a fresh process's
  // own warm-up from the state of the data, which the first trial otherwise conflates.
  for (let i = 0; i < warm; i++) await (await fetch(base + list[i % 400], { headers })).arrayBuffer();
  for (const st of statements.slice(100, 200)) await pool.query({ name: `s${createHash('sha1').update(st.text).digest('hex').slice(0, 16)}`, text: st.text, values: st.values });

  const perTrial = rate * seconds;
  const servicePid = service.pid as number;
  const load = loadByPhase();
  const serviceTrials: Trial[] = [];
  const limitTrials: Trial[] = [];
  for (let t = 0; t < trialCount; t++) {
    const offset = 400 + 2 * t * perTrial;
    const trialStarted = cpuMark();
    serviceTrials.push(
      await load.phase(t === 0 ? 'first' : 'service', () =>
        openLoop(perTrial, () => processCpuMs(servicePid), async (i) => {
          const response = await fetch(base + list[(offset + i) % list.length], { headers });
          const body = (await response.json()) as { total?: number };
          return response.status === 200 ? (body.total ?? 0) : undefined;
        }),
      ),
    );
    limitTrials.push(
      await load.phase('limit', () =>
        openLoop(perTrial, () => (process.cpuUsage().user + process.cpuUsage().system) / 1000, async (i) => {
          const st = statements[(offset + perTrial + i) % statements.length]!;
          const { rows } = await pool.query({ name: `s${createHash('sha1').update(st.text).digest('hex').slice(0, 16)}`, text: st.text, values: st.values });
          return Number(rows[0]?.total ?? 0);
        }),
      ),
    );
    const last = serviceTrials.at(-1)!;
    const steal = stealText(trialStarted);
    process.stderr.write(`trial ${t + 1}${t === 0 ? ' (right after seeding)' : ''}: service p50 ${percentile(last.latencies, 50).toFixed(1)} ms p99 ${percentile(last.latencies, 99).toFixed(1)} ms, limit p99 ${percentile(limitTrials.at(-1)!.latencies, 99).toFixed(1)} ms; CPU per request: service ${last.cpu.caller.toFixed(2)} + Postgres ${last.cpu.postgres.toFixed(2)} ms, limit ${limitTrials.at(-1)!.cpu.caller.toFixed(2)} + ${limitTrials.at(-1)!.cpu.postgres.toFixed(2)} ms${steal ? `; ${steal}` : ''}\n`);
  }
  load.stop();
  const pct = (ts: Trial[], p: number) => trials(ts.map((x) => percentile(x.latencies, p)));
  const cpu = (ts: Trial[], k: 'caller' | 'postgres') => trials(ts.map((x) => x.cpu[k])).median.toFixed(2);
  const first = serviceTrials[0]!;
  const later = serviceTrials.slice(1);
  const matches = serviceTrials.flatMap((x) => x.matches).sort((a, b) => a - b);
  process.stdout.write(
    [
      `scenario: GET /internal/v1/varieties?q=…&size=20 at ${rate} requests/s for ${seconds} s per trial, open loop; ${data.varieties.length.toLocaleString('en-US')} varieties; matches per query: median ${percentile(matches, 50)}, p90 ${percentile(matches, 90)}; errors ${serviceTrials.reduce((n, x) => n + x.errors, 0)} (service), ${limitTrials.reduce((n, x) => n + x.errors, 0)} (limit)`,
      `right after seeding (trial 1; the process just started, warmed by ${serviceWarmUp} searches of its own before ready and ${warm} of the bench): p50 ${percentile(first.latencies, 50).toFixed(1)} ms, p99 ${percentile(first.latencies, 99).toFixed(1)} ms, max ${first.latencies.at(-1)?.toFixed(1)} ms [${load.text('first')}]`,
      ratioReport({
        figure: { what: 'p99 of the catalog service (every trial)', value: pct(serviceTrials, 99), unit: 'ms', load: `${load.text('first')}, then ${later.length ? load.text('service') : '-'}`, extra: `p50 ${pct(serviceTrials, 50).median.toFixed(1)} ms; CPU per request ${cpu(serviceTrials, 'caller')} ms in the service + ${cpu(serviceTrials, 'postgres')} ms in Postgres` },
        limit: { what: 'p99 of the same statements, prepared, from a raw pg pool', value: pct(limitTrials, 99), unit: 'ms', load: load.text('limit'), extra: `p50 ${pct(limitTrials, 50).median.toFixed(1)} ms; CPU per request ${cpu(limitTrials, 'caller')} ms in the client + ${cpu(limitTrials, 'postgres')} ms in Postgres` },
        goal: 'p99 ≤ 20 ms at 200 requests/s, also right after seeding',
        higherIsBetter: false,
      }),
      '',
    ].join('\n'),
  );
} finally {
  service?.kill('SIGTERM');
  await pool.end();
  await new Promise((r) => setTimeout(r, 2_000));
  if (!process.argv.includes('--keep') && !reuse) await db.query(`drop schema if exists ${t} cascade`);
  await db.end();
}
