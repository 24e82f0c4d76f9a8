// Backfill throughput end to end: synthetic aT days → auction-ingest backfill (parse, upsert,
// outbox) → relay → Kafka → catalog consumer (inbox + one set-based statement per chunk) → catalog
// tables, beside its limit measured in the same run: COPY of the very rows the run stored into
// fresh copies of the same tables (auction-ingest's auction_row, catalog's price_point) — what
// Postgres takes to store them with no service in the way.
//
//   npm run build && npm run stack -- up --fast
//   node bench/auction/backfill-throughput.mts [--days 14] [--to 2026-11-25] [--trials 1] [--profile] [--source-process] [--with-ordering]
//
// Three real processes, as in production: the backfill CLI, the auction-ingest service (its relay
// publishes what the CLI wrote) and the catalog service. Fresh schemas and topics per trial
// (dropped afterwards). Besides the rates it prints the CPU each process used per row (from /proc,
// over the backfill's start to the last row in catalog) and Postgres's, so a change can be read
// by its cost rather than by rates that move with the machine's load (the Kafka broker's too, when
// this checkout's stack started it). The backfill CLI embeds the
// synthetic replay source (the model of the aT server and the generator), whose CPU counts as the
// CLI's; `--source-process` runs that source in a process of its own (bench/auction/replay-source.mts,
// the CLI then reaches it as an aT API with key `replay`) so the two are charged apart.
// `--with-ordering`: the ordering service consumes the same events into its read model, as in the
// whole system, and the run ends when both consumers hold every row (ordering's CPU is a part too).
// `--profile`: V8 CPU profiles of every process in bench/out/ (`node bench/profile-summary.ts`).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startReplica, newRun } from '../ordering/ordering-process.mts';
import { freePort, kafkaCpuMs, loadByPhase, machine, postgresCpuMs, processCpuMs, ratioReport, serviceDatabaseUrl, stackEnv, trials as summarize } from '../machine.ts';

const root = path.resolve(import.meta.dirname, '../..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] as string) : fallback;
};
const days = Number(arg('--days', '14'));
const trialCount = Number(arg('--trials', '1'));
const to = arg('--to', '2026-11-25');
const profile = process.argv.includes('--profile');
const sourceProcess = process.argv.includes('--source-process');
const withOrdering = process.argv.includes('--with-ordering');
const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);

const stack = stackEnv();
const db = new pg.Client({ connectionString: stack.DATABASE_URL });
await db.connect();
const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
const tableExists = async (schema: string, table: string) => (await db.query(`select to_regclass($1) as t`, [`"${schema}".${table}`])).rows[0]?.t !== null;
async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const children: ChildProcess[] = [];
function run(name: string, args: string[], env: NodeJS.ProcessEnv, stdout: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  const profiling = profile ? ` --cpu-prof --cpu-prof-dir=${path.join(root, 'bench/out')} --cpu-prof-name=backfill-${name}-${Date.now()}.cpuprofile` : '';
  const child = spawn(process.execPath, args, { cwd: root, env: { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''}${profiling}` }, stdio: ['ignore', stdout, 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d.toString()}`));
  children.push(child);
  return child;
}

interface Trial {
  rows: number;
  backfillRate: number;
  consumerRate: number;
  endToEnd: number;
  /** COPY of the same rows into fresh copies of the same tables: rows (auction rows) per second. */
  limit: number;
  copySeconds: { auctionRow: number; pricePoint: number };
  /** CPU (ms) per 1,000 rows of each process, from the backfill's start to the last row in catalog. */
  cpuPerKRow: Record<CpuPart, number>;
}

const cpuParts = ['backfill', 'source', 'relay', 'catalog', 'ordering', 'postgres', 'kafka'] as const;
type CpuPart = (typeof cpuParts)[number];
/** CPU (ms) of this process's children that have exited and were waited for (the backfill CLI, once it has ended). */
const exitedChildrenCpuMs = () => processCpuMs(process.pid, true) - processCpuMs(process.pid);

/**
 * The limit: the rows this trial stored, written to a file by the server and COPYed back into fresh
 * tables made `like` the services' own (indexes and constraints included, foreign keys aside), timed.
 */
async function copyLimit(ingestSchema: string, catalogSchema: string, id: string): Promise<Trial['copySeconds']> {
  const limitSchema = `bench_copy_${id}`;
  await db.query(`create schema "${limitSchema}"`);
  const out: Record<string, number> = {};
  for (const [name, schema, table] of [['auctionRow', ingestSchema, 'auction_row'], ['pricePoint', catalogSchema, 'price_point']] as const) {
    // The server writes and reads the file: a COPY from the client would add this process's own time.
    const file = `/tmp/marketbill-bench-copy-${id}-${table}.bin`;
    await db.query(`copy "${schema}".${table} to '${file}' (format binary)`);
    await db.query(`create table "${limitSchema}".${table} (like "${schema}".${table} including all)`);
    const t0 = performance.now();
    await db.query(`copy "${limitSchema}".${table} from '${file}' (format binary)`);
    out[name] = (performance.now() - t0) / 1000;
    rmSync(file, { force: true });
  }
  await db.query(`drop schema "${limitSchema}" cascade`);
  return out as Trial['copySeconds'];
}

async function trial(): Promise<Trial> {
  const id = randomBytes(3).toString('hex');
  const ingestSchema = `bench_ingest_${id}`;
  const catalogSchema = `bench_catalog_${id}`;
  const orderingRun = newRun('bench_backfill');
  const common = {
    ...process.env,
    ...stack,
    KAFKA_TOPIC_PREFIX: `bench${id}.`,
    LOG_LEVEL: 'warn',
    HTTP_PORT: '0',
    NODE_OPTIONS: '--disable-warning=TimeoutNegativeWarning',
  };
  // Each service as its own Postgres role (owner of its fresh schema), as deployed.
  const ingestEnv = {
    ...common,
    DATABASE_URL: await serviceDatabaseUrl(stack.DATABASE_URL as string, 'auction-ingest', ingestSchema),
    DATABASE_SCHEMA: ingestSchema,
    CATCH_UP_DAYS: '0',
    IMPORT_SCHEDULE_ENABLED: 'false',
    AUCTION_SOURCE: 'replay',
  };
  const catalogEnv = {
    ...common,
    DATABASE_URL: await serviceDatabaseUrl(stack.DATABASE_URL as string, 'catalog', catalogSchema),
    DATABASE_SCHEMA: catalogSchema,
    // Catalog's internal API names each caller with its own token (ordering's, here never called).
    INTERNAL_API_CALLERS: 'ordering=bench-token-0123456789',
  };
  try {
    // --source-process: the replay source in its own process; the CLI reaches it as an aT API.
    let backfillEnv: NodeJS.ProcessEnv = ingestEnv;
    let source: ChildProcess | undefined;
    if (sourceProcess) {
      source = run('source', ['bench/auction/replay-source.mts'], common, 'pipe');
      const [url, key] = (await new Promise<string>((resolve, reject) => {
        source!.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
        source!.once('exit', () => reject(new Error('the replay source ended before it answered')));
      })).split(' ');
      // The aT client as for the live API, minus its politeness interval; the call budget is
      // still taken per request (one row update per category-day).
      backfillEnv = { ...ingestEnv, AUCTION_SOURCE: 'at-api', AT_API_URL: url, AT_API_KEY: key, AT_MIN_REQUEST_INTERVAL_MS: '0', AT_DAILY_CALL_BUDGET: '100000', AT_SCHEDULE_RESERVED_CALLS: '0' };
    }
    // Services first (migrations, topics, consumer group), then the backfill.
    const relay = run('auction-ingest', ['services/auction-ingest/dist/main.js'], ingestEnv);
    const catalog = run('catalog', ['services/catalog/dist/main.js'], catalogEnv);
    await until(async () => (await tableExists(ingestSchema, 'import_run')) && (await tableExists(catalogSchema, 'price_point')), 60_000);
    await until(async () => (await db.query(`select 1 from pg_stat_activity where application_name = 'auction-ingest-outbox-relay'`)).rowCount! > 0, 30_000);
    const ordering = withOrdering
      ? await startReplica(orderingRun, await freePort(), {
          profile,
          env: { KAFKA_TOPIC_PREFIX: common.KAFKA_TOPIC_PREFIX, DATABASE_URL: await serviceDatabaseUrl(stack.DATABASE_URL as string, 'ordering', orderingRun.schema) },
        })
      : undefined;
    if (ordering) children.push(ordering);
    // The consumer group must have joined before the clock starts.
    await new Promise((r) => setTimeout(r, 5_000));

    const cpuAt = () => ({
      backfill: exitedChildrenCpuMs(),
      source: source ? processCpuMs(source.pid!) : 0,
      relay: processCpuMs(relay.pid!),
      catalog: processCpuMs(catalog.pid!),
      ordering: ordering ? processCpuMs(ordering.pid!) : 0,
      postgres: postgresCpuMs(),
      kafka: kafkaCpuMs(),
    });
    const cpu0 = cpuAt();
    const started = Date.now();
    const backfill = run('backfill', ['services/auction-ingest/dist/main.js', 'backfill', '--from', from, '--to', to], backfillEnv);
    const samples: Array<{ t: number; rows: number; outbox: number; catalog: number }> = [];
    let backfillMs = 0;
    backfill.on('exit', () => (backfillMs = Date.now() - started));
    let last = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1_000));
      // Cheap probes, since they run in the same Postgres as the work measured (counting the
      // outbox and auction_row every second was ≈ 10 % of the Postgres CPU charged to the run):
      // rows imported from the import-run log (written in the transaction of the rows), whether
      // the outbox still holds anything, and the catalog's price points (the consumer's rate).
      const rows = await count(`select coalesce(sum(rows_new + rows_changed), 0) as n from "${ingestSchema}".import_run`);
      const outbox = await count(`select count(*) as n from (select 1 from "${ingestSchema}".outbox limit 1) o`);
      const catalog = await count(`select count(*) as n from "${catalogSchema}".price_point`);
      samples.push({ t: Date.now() - started, rows, outbox, catalog });
      if (Date.now() - last > 10_000) {
        last = Date.now();
        process.stderr.write(`  t=${((Date.now() - started) / 1000).toFixed(0)}s imported=${rows} outbox ${outbox ? 'not empty' : 'empty'} catalog=${catalog}\n`);
      }
      // Ordering's inbox (one row per event) is counted only once catalog is done: a cheap probe.
      if (backfillMs > 0 && catalog >= rows && outbox === 0 && (!ordering || (await count(`select count(*) as n from "${orderingRun.schema}".inbox`)) >= rows)) break;
    }
    const cpu1 = cpuAt();
    // The run ends when the last price point was applied: the catalog's inbox row of the last event,
    // stamped in the transaction that applied it (its start, a chunk's few milliseconds before the
    // commit). The probe above only notices the end within its second, which on a 6-second run
    // moved the rate by up to a sixth.
    const lastProcessedMs = (schema: string) => count(`select (extract(epoch from max(processed_at)) * 1000)::bigint as n from "${schema}".inbox`);
    const lastApplied = Math.max(await lastProcessedMs(catalogSchema), ordering ? await lastProcessedMs(orderingRun.schema) : 0);
    const totalMs = lastApplied - started;
    const rows = await count(`select count(*) as n from "${ingestSchema}".auction_row`);
    const cpuPerKRow = Object.fromEntries(cpuParts.map((part) => [part, ((cpu1[part] - cpu0[part]) / rows) * 1000])) as Record<CpuPart, number>;
    // Steady-state consumer rate: catalog rows over the middle of the run (after warm-up, before the tail).
    const mid = samples.filter((s) => s.catalog > rows * 0.1 && s.catalog < rows * 0.9);
    const consumerRate = mid.length > 1 ? ((mid.at(-1)!.catalog - mid[0]!.catalog) / (mid.at(-1)!.t - mid[0]!.t)) * 1000 : Number.NaN;
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGTERM');
    const copySeconds = await copyLimit(ingestSchema, catalogSchema, id);
    return {
      rows,
      backfillRate: rows / (backfillMs / 1000),
      consumerRate,
      endToEnd: rows / (totalMs / 1000),
      limit: rows / (copySeconds.auctionRow + copySeconds.pricePoint),
      copySeconds,
      cpuPerKRow,
    };
  } finally {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 3_000));
    await db.query(`drop schema if exists "${ingestSchema}" cascade`);
    await db.query(`drop schema if exists "${catalogSchema}" cascade`);
    await db.query(`drop schema if exists "${orderingRun.schema}" cascade`);
  }
}

function cpuText(c: Record<CpuPart, number>): string {
  const parts = cpuParts.filter((p) => (p !== 'source' || sourceProcess) && (p !== 'ordering' || withOrdering));
  const total = parts.reduce((sum, p) => sum + c[p], 0);
  return `${parts.map((p) => `${p === 'backfill' && !sourceProcess ? 'backfill CLI (with its embedded replay source)' : p === 'relay' ? 'auction-ingest relay' : p === 'kafka' ? 'Kafka broker' : p} ${c[p].toFixed(0)}`).join(', ')}; total ${total.toFixed(0)} (${(1_000_000 / total).toFixed(0)} rows per CPU-second)`;
}

process.stdout.write(`machine: ${machine()}\nrange: ${from} … ${to} (${days} days × 4 categories), synthetic replay data\n`);
const load = loadByPhase();
const results: Trial[] = [];
try {
  for (let t = 0; t < trialCount; t++) {
    results.push(await load.phase('run', () => trial()));
    const r = results.at(-1)!;
    process.stderr.write(`trial ${t + 1}: ${r.rows} rows; end to end ${Math.round(r.endToEnd)}/s, COPY limit ${Math.round(r.limit)}/s; CPU ms per 1,000 rows: ${cpuText(r.cpuPerKRow)}\n`);
  }
} finally {
  load.stop();
  await db.end();
}
const pick = (k: 'backfillRate' | 'consumerRate' | 'endToEnd' | 'limit') => summarize(results.map((r) => r[k]));
const cpuMedian = Object.fromEntries(cpuParts.map((part) => [part, summarize(results.map((r) => r.cpuPerKRow[part])).median])) as Record<CpuPart, number>;
process.stdout.write(
  [
    `rows per trial: ${results.map((r) => r.rows).join(', ')}; backfill (fetch + parse + upsert + outbox) ${Math.round(pick('backfillRate').median)} rows/s; catalog consumer steady state ${Math.round(pick('consumerRate').median)} rows/s`,
    `CPU per 1,000 rows (ms, median): ${cpuText(cpuMedian)}`,
    `COPY of the same rows: auction_row ${results.map((r) => r.copySeconds.auctionRow.toFixed(2)).join(', ')} s, price_point ${results.map((r) => r.copySeconds.pricePoint.toFixed(2)).join(', ')} s`,
    ratioReport({
      figure: { what: `end to end, backfill start → last row in catalog${withOrdering ? ' and in ordering' : ''}`, value: pick('endToEnd'), unit: 'rows/s', load: load.text('run') },
      limit: { what: 'COPY of the same rows into the same tables (auction_row + price_point)', value: pick('limit'), unit: 'rows/s', load: load.text('run') },
      goal: '≥ 20,000 rows/s end to end, or ≥ 50 % of the limit',
      digits: 0,
    }),
    '',
  ].join('\n'),
);
