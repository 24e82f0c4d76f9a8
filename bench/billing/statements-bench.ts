// Billing benchmark: statements rendered (pdfkit, embedded Korean TrueType) and stored (S3) per
// second, the full issue through the internal API, and one 200-line statement (time, peak RSS).
//
//   npm run build && set -a && . .stack/env && set +a   # the local stack's settings
//   node bench/billing/statements-bench.ts             # ~1 minute; prints the figures as a table
//   node bench/billing/statements-bench.ts --growth [--lines 10,200,2000] [--semi 0,2] [--trials 3]   # time, CPU, peak RSS
//
// Not a test (never gated in CI). Runs against the shared local stack (S3Proxy, Postgres, Kafka).
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { renderStatementPdf } from '../../services/billing/dist/clients/statement-pdf/render-statement-pdf.js';
import { loadStatementFonts } from '../../services/billing/dist/clients/statement-pdf/statement-fonts.js';
import { createStatementRenderer } from '../../services/billing/dist/clients/statement-pdf/statement-renderer.js';
import { createLogger } from '../../packages/platform/dist/index.js';
import { createStatementStore } from '../../services/billing/dist/clients/statement-store.js';
import { toStatementLines, statementTotal, firstIssueFigures, statementObjectKey } from '../../services/billing/dist/domain/statement.js';
import { startBilling } from '../../services/billing/dist/testing/billing-harness.js';
import { line, orderUpdated, profileUpdated, snapshot } from '../../services/billing/dist/testing/ordering-events.js';

const env = process.env;
for (const key of ['DATABASE_URL', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'S3_ENDPOINT']) {
  if (!env[key]) throw new Error(`${key} is not set: run \`set -a; . .stack/env; set +a\` first`);
}

type Content = Parameters<typeof renderStatementPdf>[0];

/** A statement's frozen content with `lineCount` lines, as a reservation holds it. */
function content(lineCount: number, n = 1): Content {
  const orderId = randomUUID();
  const orders = [{ orderId, orderNumber: '261126-000042', version: 2, status: 'PLACED' as const, saleDay: '2026-11-26', placedAt: new Date(), wholesaler: { id: 'w', name: '양재꽃상회', phone: null, sealedPhone: null }, retailer: { id: 'r', name: '꽃담플라워', phone: null, sealedPhone: null }, lines: Array.from({ length: lineCount }, (_, i) => ({ lineId: `l${i}`, kind: 'ITEM' as const, itemName: ['장미', '거베라', '안개꽃', '튤립'][i % 4] as string, varietyName: ['레드나오미', '핑크하트', '오버타임', '퍼플프린스'][i % 4] as string, grade: 'UPPER' as const, quantity: (i % 9) + 1, unitPrice: 1_000 * ((i % 15) + 1), memo: null })) }];
  const lines = toStatementLines(orders);
  const total = statementTotal(lines);
  return {
    number: `2611-${String(n).padStart(5, '0')}`,
    version: 1,
    issueDay: '2026-11-26',
    supplier: { wholesalerId: 'w', shopName: '양재꽃상회', ownerPhone: null, sealedOwnerPhone: null, businessNumber: '2208162517', companyName: '양재꽃상회', representative: '김꽃님', address: '서울특별시 서초구 강남대로 27 양재꽃시장 가동 101호', phone: '02-579-1234', businessType: '도소매', businessItem: '화훼', bankAccount: '농협 123-4567-8901-23 김꽃님', sealImageUrl: null },
    buyer: { id: 'r', name: '꽃담플라워', phone: null, sealedPhone: null },
    orders: [{ orderId, orderNumber: '261126-000042', orderVersion: 2, saleDay: '2026-11-26' }],
    lines,
    figures: firstIssueFigures(50_000, 20_000, total),
  };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function pool<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

const store = createStatementStore({
  endpoint: env.S3_ENDPOINT,
  region: env.S3_REGION ?? 'us-east-1',
  credentials: env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY } : undefined,
  forcePathStyle: env.S3_FORCE_PATH_STYLE !== 'false',
  bucket: 'marketbill-bench-statements',
  downloadTtlSeconds: 300,
});

/**
 * One 200-line statement issued through the whole service in a fresh process: billing started as
 * in production (ORM, Kafka, S3 SDK, HTTP, telemetry), the order produced to Kafka, then one POST.
 * Reports the issue latency and the process's peak RSS before and after.
 */
async function bigStatement(): Promise<void> {
  const lineCount = Number(env.BENCH_LINES ?? 200);
  const mb = () => round(process.resourceUsage().maxRSS / 1024);
  const h = await startBilling({ LOG_LEVEL: 'silent', STATEMENT_RENDER_WORKERS: env.BENCH_RENDER_WORKERS ?? '0' });
  try {
    const w = randomUUID();
    await h.produce('wholesaler.profile.updated', w, profileUpdated(w, { sealImageUrl: null }));
    const order = snapshot({ wholesaler: { id: w }, retailer: { id: randomUUID() }, version: 2, lines: Array.from({ length: lineCount }, (_, i) => line({ quantity: (i % 9) + 1, unitPrice: 1_000 * ((i % 15) + 1), varietyName: `품종${i + 1}` })) });
    await h.produce('order.updated', order.orderId, orderUpdated(order));
    const { query, waitFor } = await import('../../packages/testing/dist/index.js');
    await waitFor(async () => (await query(env.DATABASE_URL as string, `select 1 from "${h.schema}".order_sheet where order_id = $1`, [order.orderId])).length === 1, { timeoutMs: 60_000 });
    const warm = randomUUID();
    // One small statement first, so the figure is a running service's, not the first-ever render's.
    await h.produce('order.updated', warm, orderUpdated(snapshot({ orderId: warm, wholesaler: { id: w }, retailer: { id: randomUUID() }, version: 2, lines: [line({ quantity: 1, unitPrice: 1_000 })] })));
    await waitFor(async () => (await query(env.DATABASE_URL as string, `select 1 from "${h.schema}".order_sheet where order_id = $1`, [warm])).length === 1, { timeoutMs: 60_000 });
    const actor = { accountId: w, role: 'WHOLESALER_OWNER' as const, wholesalerId: w };
    await h.call('POST', '/statements', { actor, body: { orderIds: [warm] } });
    const rssBefore = mb();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const res = await h.call<Record<string, number>>('POST', '/statements', { actor, body: { orderIds: [order.orderId] } });
    const issueMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (res.status !== 201) throw new Error(`issue answered ${res.status}`);
    // CPU of the whole process over the issue (the service, the in-process client; GC included).
    process.stdout.write(JSON.stringify({ issueMs: round(issueMs), cpuMs: round((cpu.user + cpu.system) / 1000), pages: res.body.pages, rssBeforeMb: rssBefore, maxRssMb: mb() }));
  } finally {
    await h.stop();
  }
}

/** One statement of `lines` lines issued by a fresh service process started with `flags`. */
function freshIssue(lines: number, flags: readonly string[], workers = '0'): Record<string, number> {
  const child = spawnSync(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', ...flags, fileURLToPath(import.meta.url), '--big'], {
    env: { ...env, BENCH_RENDER_WORKERS: workers, BENCH_LINES: String(lines) },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout) as Record<string, number>;
}

/**
 * --growth: time, CPU and peak RSS of one statement of 10, 200 and 2,000 lines, each in a fresh
 * service process, with V8's default young generation and with the 2 MB cap (--trials N each).
 */
async function growth(): Promise<void> {
  const i = process.argv.indexOf('--trials');
  const trialCount = i > 0 ? Number(process.argv[i + 1]) : 3;
  const load0 = os.loadavg()[0];
  process.stdout.write(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, load avg at start ${load0?.toFixed(1)}\n`);
  process.stdout.write('| lines | flags | pages | issue ms (median, min–max) | CPU ms of the process over the issue | peak RSS before → after (median) | load |\n|---:|---|---:|---|---|---|---|\n');
  const opt = (name: string, fallback: string) => {
    const k = process.argv.indexOf(`--${name}`);
    return (k > 0 ? process.argv[k + 1] : undefined) ?? fallback;
  };
  // --lines 10,200,2000 and --semi 0,2 (0: V8's default young generation; n: --max-semi-space-size=n).
  const lineCounts = opt('lines', '10,200,2000').split(',').map(Number);
  const caps = opt('semi', '0,2').split(',').map(Number);
  for (const lines of lineCounts) {
    for (const [label, flags] of caps.map((c) => (c === 0 ? (['default', []] as const) : ([`--max-semi-space-size=${c}`, [`--max-semi-space-size=${c}`]] as const)))) {
      const runs = Array.from({ length: trialCount }, () => freshIssue(lines, flags));
      const med = (k: string) => percentile(runs.map((r) => r[k] as number), 50);
      const span = (k: string) => `${round(Math.min(...runs.map((r) => r[k] as number)))}–${round(Math.max(...runs.map((r) => r[k] as number)))}`;
      process.stdout.write(`| ${lines} | ${label} | ${runs[0]?.pages} | ${med('issueMs')} (${span('issueMs')}) | ${med('cpuMs')} (${span('cpuMs')}) | ${med('rssBeforeMb')} → ${med('maxRssMb')} MB | ${os.loadavg()[0]?.toFixed(1)} |\n`);
    }
  }
}

/** Deletes what the run stored: the stack is shared, and its S3 data lives on one disk. */
async function emptyBenchBucket(): Promise<void> {
  const s3 = new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION ?? 'us-east-1',
    forcePathStyle: env.S3_FORCE_PATH_STYLE !== 'false',
    ...(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY ? { credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY } } : {}),
  });
  for (;;) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: store.bucket }));
    const keys = (listed.Contents ?? []).map((o) => ({ Key: o.Key as string }));
    if (keys.length === 0) break;
    await s3.send(new DeleteObjectsCommand({ Bucket: store.bucket, Delete: { Objects: keys } }));
  }
  s3.destroy();
}

async function main(): Promise<void> {
  if (process.argv.includes('--big')) return bigStatement();
  if (process.argv.includes('--growth')) return growth();
  const quick = process.argv.includes('--quick');
  const report: Array<[string, string]> = [];
  await store.checkBucket({ create: true });
  const fonts = loadStatementFonts();
  const single = content(8);

  // 1. Rendering only, one at a time (the CPU cost of a single-page statement).
  for (let i = 0; i < 20; i++) await renderStatementPdf(single, fonts);
  const renderTimes: number[] = [];
  const renderN = quick ? 100 : 300;
  const r0 = performance.now();
  const rc0 = process.cpuUsage();
  let pdfBytes = 0;
  for (let i = 0; i < renderN; i++) {
    const t = performance.now();
    pdfBytes = (await renderStatementPdf(single, fonts)).pdf.byteLength;
    renderTimes.push(performance.now() - t);
  }
  const renderRate = renderN / ((performance.now() - r0) / 1000);
  const rc = process.cpuUsage(rc0);
  report.push([
    'render only, single page (8 lines), sequential',
    `${round(renderRate)} /s; p50 ${round(percentile(renderTimes, 50))} ms, p95 ${round(percentile(renderTimes, 95))} ms; CPU ${round((rc.user + rc.system) / 1000 / renderN)} ms per statement; ${pdfBytes} bytes`,
  ]);

  // 2. Render + store in S3, as the issue pipeline does between its two transactions; rendering on
  //    the main thread (the default) and on one worker thread (STATEMENT_RENDER_WORKERS=1).
  const logger = createLogger({ service: 'bench', level: 'silent' });
  for (const workers of [0, 1]) {
    const renderer = createStatementRenderer({ workers, fonts: {}, logger });
    for (let i = 0; i < 20; i++) await renderer.render(content(8, i), undefined);
    for (const concurrency of workers === 0 ? [1, 4, 8] : [8]) {
      const n = quick ? 100 : 300;
      const renders: number[] = [];
      const puts: number[] = [];
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await pool(n, concurrency, async (i) => {
        const a = performance.now();
        const { pdf } = await renderer.render(content(8, i + 1), undefined);
        const b = performance.now();
        await store.put(statementObjectKey('bench', `2611-${String(i).padStart(5, '0')}`, 1, randomUUID()), pdf, { sha256: createHash('sha256').update(pdf).digest('hex') });
        renders.push(b - a);
        puts.push(performance.now() - b);
      });
      const rate = n / ((performance.now() - t0) / 1000);
      const cpu = process.cpuUsage(cpu0);
      report.push([
        `render + S3 put, single page, ${workers === 0 ? 'main thread' : `${workers} worker`}, concurrency ${concurrency}`,
        `${round(rate)} /s; render p50 ${round(percentile(renders, 50))} ms, put p50 ${round(percentile(puts, 50))} ms, put p95 ${round(percentile(puts, 95))} ms; Node CPU ${round((cpu.user + cpu.system) / 1000 / n)} ms per statement`,
      ]);
    }
    await renderer.close();
  }

  // 3. The whole issue through the internal API: reserve (tx) → render → S3 → issue (tx, ledger, outbox).
  for (const workers of ['0', '1']) {
  const h = await startBilling({ LOG_LEVEL: 'silent', DATABASE_POOL_MAX: '20', STATEMENT_RENDER_WORKERS: workers });
  try {
    const w = randomUUID();
    await h.produce('wholesaler.profile.updated', w, profileUpdated(w, { sealImageUrl: null }));
    const n = quick ? 60 : 200;
    const orders = Array.from({ length: n }, () => snapshot({ wholesaler: { id: w }, retailer: { id: randomUUID() }, version: 2, lines: Array.from({ length: 8 }, (_, i) => line({ quantity: i + 1, unitPrice: 1_000 * (i + 2) })) }));
    await Promise.all(orders.map((o) => h.produce('order.updated', o.orderId, orderUpdated(o))));
    const { query, waitFor } = await import('../../packages/testing/dist/index.js');
    await waitFor(async () => Number((await query<{ n: string }>(env.DATABASE_URL as string, `select count(*) as n from "${h.schema}".order_sheet`))[0]?.n) === n, { timeoutMs: 120_000 });
    const actor = { accountId: w, role: 'WHOLESALER_OWNER' as const, wholesalerId: w };
    for (const concurrency of [1, 8]) {
      const slice = concurrency === 1 ? orders.slice(0, Math.floor(n / 4)) : orders.slice(Math.floor(n / 4));
      const latencies: number[] = [];
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await pool(slice.length, concurrency, async (i) => {
        const t = performance.now();
        const res = await h.call('POST', '/statements', { actor, body: { orderIds: [slice[i]!.orderId] } });
        if (res.status !== 201) throw new Error(`issue answered ${res.status}: ${JSON.stringify(res.body)}`);
        latencies.push(performance.now() - t);
      });
      const rate = slice.length / ((performance.now() - t0) / 1000);
      const cpu = process.cpuUsage(cpu0);
      report.push([
        `full issue via HTTP (one wholesaler), render workers ${workers}, concurrency ${concurrency}`,
        `${round(rate)} /s; latency p50 ${round(percentile(latencies, 50))} ms, p95 ${round(percentile(latencies, 95))} ms (${slice.length} statements); CPU of this process ${round((cpu.user + cpu.system) / 1000 / slice.length)} ms per statement (service and client, relay included)`,
      ]);
    }
  } finally {
    await h.stop();
  }
  }

  // 4. One 200-line statement in a fresh service process: default V8 flags, a smaller young
  //    generation, and with one render worker.
  for (const [label, flags, workers] of [
    ['default flags', [], '0'],
    ['--max-semi-space-size=2', ['--max-semi-space-size=2'], '0'],
    ['1 render worker', [], '1'],
  ] as const) {
    const big = freshIssue(200, flags, workers);
    report.push([`200-line statement, whole issue via HTTP, fresh service process (${label})`, `${big.issueMs} ms, ${big.cpuMs} ms CPU; ${big.pages} pages; service peak RSS ${big.rssBeforeMb} MB before it, ${big.maxRssMb} MB after`]);
  }

  await emptyBenchBucket();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(`\nbilling bench — ${new Date().toISOString()}\nmachine: ${cpu}, ${os.cpus().length} cores, ${round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load avg ${os.loadavg().map((x) => round(x, 2)).join(' ')}\n\n`);
  for (const [what, figure] of report) process.stdout.write(`| ${what} | ${figure} |\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
