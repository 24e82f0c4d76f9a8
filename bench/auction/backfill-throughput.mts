// Backfill throughput end to end: synthetic aT days → auction-ingest backfill (parse, upsert,
// outbox) → relay → Kafka → catalog consumer (inbox + one statement per event) → catalog tables.
//
//   node bench/auction/backfill-throughput.mts [--days 30] [--to 2026-11-25]
//
// Three real processes, as in production: the backfill CLI, the auction-ingest service (its relay
// publishes what the CLI wrote) and the catalog service. Fresh schemas and topics per run (dropped
// afterwards). Needs the local stack (`.stack/env`) and built services (`npx tsc -b`).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { machine } from '../machine.ts';

const root = path.resolve(import.meta.dirname, '../..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] as string) : fallback;
};
const days = Number(arg('--days', '30'));
const to = arg('--to', '2026-11-25');
const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);

const stack = Object.fromEntries(
  readFileSync(path.join(process.env.MB_STACK_DIR ?? '/work/main/.stack', 'env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const id = randomBytes(3).toString('hex');
const ingestSchema = `bench_ingest_${id}`;
const catalogSchema = `bench_catalog_${id}`;
const common = {
  ...process.env,
  ...stack,
  KAFKA_TOPIC_PREFIX: `bench${id}.`,
  LOG_LEVEL: 'warn',
  HTTP_PORT: '0',
  NODE_OPTIONS: '--disable-warning=TimeoutNegativeWarning',
};
const ingestEnv = { ...common, DATABASE_SCHEMA: ingestSchema, CATCH_UP_DAYS: '0', IMPORT_SCHEDULE_ENABLED: 'false', AUCTION_SOURCE: 'replay' };
const catalogEnv = {
  ...common,
  DATABASE_SCHEMA: catalogSchema,
  INTERNAL_API_CALLERS: 'ordering=bench-token-0123456789',
  // --profile: a V8 CPU profile of the catalog process in bench/out/ (where its time goes).
  ...(process.argv.includes('--profile') ? { NODE_OPTIONS: `${common.NODE_OPTIONS} --cpu-prof --cpu-prof-dir=${path.join(root, 'bench/out')}` } : {}),
};

const children: ChildProcess[] = [];
function run(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d.toString()}`));
  children.push(child);
  return child;
}

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

process.stdout.write(`machine: ${machine()}\nrange: ${from} … ${to} (${days} days × 4 categories), synthetic replay data\n`);
try {
  // Services first (migrations, topics, consumer group), then the backfill.
  run('auction-ingest', ['services/auction-ingest/dist/main.js'], ingestEnv);
  run('catalog', ['services/catalog/dist/main.js'], catalogEnv);
  await until(async () => (await tableExists(ingestSchema, 'import_run')) && (await tableExists(catalogSchema, 'price_point')), 60_000);
  await until(async () => (await db.query(`select 1 from pg_stat_activity where application_name = 'auction-ingest-outbox-relay'`)).rowCount! > 0, 30_000);
  // The consumer group must have joined before the clock starts.
  await new Promise((r) => setTimeout(r, 5_000));

  const started = Date.now();
  const backfill = run('backfill', ['services/auction-ingest/dist/main.js', 'backfill', '--from', from, '--to', to], ingestEnv);
  const samples: Array<{ t: number; rows: number; outbox: number; catalog: number }> = [];
  let backfillMs = 0;
  backfill.on('exit', () => (backfillMs = Date.now() - started));
  let last = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1_000));
    const rows = await count(`select count(*) as n from "${ingestSchema}".auction_row`);
    const outbox = await count(`select count(*) as n from "${ingestSchema}".outbox`);
    const catalog = await count(`select count(*) as n from "${catalogSchema}".price_point`);
    samples.push({ t: Date.now() - started, rows, outbox, catalog });
    if (Date.now() - last > 10_000) {
      last = Date.now();
      process.stdout.write(`  t=${((Date.now() - started) / 1000).toFixed(0)}s imported=${rows} outbox=${outbox} catalog=${catalog}\n`);
    }
    if (backfillMs > 0 && catalog >= rows && outbox === 0) break;
  }
  const totalMs = Date.now() - started;
  const rows = samples.at(-1)?.rows ?? 0;
  const runs = await count(`select count(*) as n from "${ingestSchema}".import_run where status = 'SUCCEEDED'`);
  // Steady-state consumer rate: catalog rows over the middle of the run (after warm-up, before the tail).
  const mid = samples.filter((s) => s.catalog > rows * 0.1 && s.catalog < rows * 0.9);
  const consumerRate = mid.length > 1 ? ((mid.at(-1)!.catalog - mid[0]!.catalog) / (mid.at(-1)!.t - mid[0]!.t)) * 1000 : Number.NaN;
  process.stdout.write(
    [
      `rows: ${rows} (${runs} day×category imports)`,
      `backfill (fetch + parse + upsert + outbox): ${(backfillMs / 1000).toFixed(1)} s → ${Math.round(rows / (backfillMs / 1000))} rows/s`,
      `catalog consumer steady state: ${Math.round(consumerRate)} rows/s`,
      `end to end (backfill start → last row in catalog): ${(totalMs / 1000).toFixed(1)} s → ${Math.round(rows / (totalMs / 1000))} rows/s`,
      '',
    ].join('\n'),
  );
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 3_000));
  await db.query(`drop schema if exists "${ingestSchema}" cascade`);
  await db.query(`drop schema if exists "${catalogSchema}" cascade`);
  await db.end();
}
