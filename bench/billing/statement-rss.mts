// Peak memory and CPU of the billing SERVICE PROCESS while it issues one statement of 10, 200 or
// 2,000 lines: billing started from its build as its container starts it (its ENTRYPOINT's node
// flags; the young-generation flag given here instead of the image's NODE_OPTIONS), a fresh schema, topic prefix and
// bucket; this bench plays ordering (produces the profile and the order to Kafka) and the edge
// (POST /internal/v1/statements), so none of its own memory is counted. Read from /proc: VmHWM (the
// process's peak RSS) when ready, after the warm-up statement and after the statement; the largest
// anonymous RSS seen (sampled every few milliseconds) and the file-backed RSS at the end (the node
// executable's pages: shared, clean, and grown by ≈ 5 MB the first time V8's optimising compiler
// runs — see bench/billing/README.md); and the process's CPU over the issue.
//
//   npm run build && npm run stack -- up --fast
//   node bench/billing/statement-rss.mts [--lines 10,200,2000] [--semi 0,2,8] [--trials 3]
//     --semi 0: V8's default young generation; n: --max-semi-space-size=n (MB per semi-space).
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { checkout, containerFlags, cpuMark, freePort, machine, migrateAsDeployed, processCpuMs, processMemoryMb, stackEnv, stealText, trials } from '../machine.ts';

const require = createRequire(import.meta.url);
const messaging = require(path.join(checkout, 'packages/messaging/dist/index.js'));
const platform = require(path.join(checkout, 'packages/platform/dist/index.js'));
const events = require(path.join(checkout, 'services/billing/dist/testing/ordering-events.js'));
const { topics } = require(path.join(checkout, 'services/billing/dist/topics.js'));

const opt = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return (i > 0 ? process.argv[i + 1] : undefined) ?? fallback;
};
const lineCounts = opt('lines', '10,200,2000').split(',').map(Number);
const caps = opt('semi', '0,2').split(',').map(Number);
const trialCount = Number(opt('trials', '3'));
const stack = stackEnv();
const logger = platform.createLogger({ service: 'bench', level: 'silent' });

/** The node flags of billing's container ENTRYPOINT (its NODE_OPTIONS' young-generation flag is `--semi`'s). */
const entryFlags = containerFlags('billing').flags;
const hwmMb = (pid: number) => processMemoryMb(pid).VmHWM;

/** The largest anonymous RSS of `pid` while it runs (sampled every 2 ms; a spike shorter than that can be missed). */
function anonymousPeak(pid: number): { stop(): number } {
  let peak = 0;
  const sample = () => {
    try {
      peak = Math.max(peak, processMemoryMb(pid).RssAnon);
    } catch {
      // the process has exited
    }
  };
  sample();
  const timer = setInterval(sample, 2);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** One fresh billing process with `flags`; one warm-up statement, then one of `lines` lines. */
async function once(lines: number, flags: string[]): Promise<{ ms: number; cpuMs: number; ready: number; before: number; after: number; anonymous: number; file: number; pages: number }> {
  const id = randomBytes(3).toString('hex');
  const schema = `bench_billing_${id}`;
  const prefix = `${schema}.`;
  const token = randomBytes(24).toString('base64url');
  const port = await freePort();
  const env = {
    ...process.env,
    ...stack,
    DATABASE_SCHEMA: schema,
    KAFKA_TOPIC_PREFIX: prefix,
    HTTP_PORT: String(port),
    LOG_LEVEL: 'warn',
    // The internal API names each caller with its own token: the bench calls as ordering.
    INTERNAL_API_CALLERS: `ordering=${token}`,
    S3_BUCKET: `mb-bench-${id}`,
    NODE_OPTIONS: '--disable-warning=TimeoutNegativeWarning',
  };
  const entry = path.join(checkout, 'services/billing/dist/main.js');
  await migrateAsDeployed(entry, env, entryFlags);
  const child = spawn(process.execPath, [...entryFlags, ...flags, entry], { cwd: checkout, env: { ...env, MIGRATE_ON_START: 'false' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const db = new pg.Client({ connectionString: stack.DATABASE_URL });
  await db.connect();
  const naming = messaging.createTopicNaming(topics, prefix);
  const kafka = messaging.createKafka({ brokers: stack.KAFKA_BROKERS!.split(','), clientId: 'bench-ordering', logger });
  const producer = messaging.createProducer(kafka);
  const codec = messaging.createEventCodec(messaging.createRegistryClient(stack.SCHEMA_REGISTRY_URL!), naming);
  try {
    for (const deadline = Date.now() + 120_000; ; ) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200) break;
      } catch {
        // not yet
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('billing did not become ready');
      await new Promise((r) => setTimeout(r, 250));
    }
    const ready = hwmMb(child.pid as number);
    const anonymous = anonymousPeak(child.pid as number);
    await producer.connect();
    const produce = async (topic: string, key: string, event: { eventId: string }) =>
      producer.send({ topic: naming.topic(topic), acks: -1, messages: [{ key, value: await codec.encode(topic, event), headers: { 'event-id': event.eventId, 'event-type': topic, 'produced-by': 'ordering' } }] });
    const w = randomUUID();
    await produce('wholesaler.profile.updated', w, events.profileUpdated(w, { sealImageUrl: null }));
    const warm = events.snapshot({ wholesaler: { id: w }, retailer: { id: randomUUID() }, version: 2, lines: [events.line({ quantity: 1, unitPrice: 1_000 })] });
    const big = events.snapshot({ wholesaler: { id: w }, retailer: { id: randomUUID() }, version: 2, lines: Array.from({ length: lines }, (_, i) => events.line({ quantity: (i % 9) + 1, unitPrice: 1_000 * ((i % 15) + 1), varietyName: `품종${i + 1}` })) });
    await produce('order.updated', warm.orderId, events.orderUpdated(warm));
    await produce('order.updated', big.orderId, events.orderUpdated(big));
    for (const deadline = Date.now() + 120_000; ; ) {
      const { rowCount } = await db.query(`select 1 from "${schema}".order_sheet where order_id = any($1::uuid[])`, [[warm.orderId, big.orderId]]).catch(() => ({ rowCount: 0 }));
      if (rowCount === 2) break;
      if (Date.now() > deadline) throw new Error('orders did not reach billing');
      await new Promise((r) => setTimeout(r, 200));
    }
    const issue = async (orderId: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/internal/v1/statements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...platform.actorHeaders({ accountId: w, role: 'WHOLESALER_OWNER', wholesalerId: w }) },
        body: JSON.stringify({ orderIds: [orderId] }),
      });
      const body = (await res.json()) as { pages?: number };
      if (res.status !== 201) throw new Error(`issue answered ${res.status}: ${JSON.stringify(body)}`);
      return body;
    };
    await issue(warm.orderId);
    const pid = child.pid as number;
    const before = hwmMb(pid);
    const cpu0 = processCpuMs(pid);
    const t0 = performance.now();
    const body = await issue(big.orderId);
    const ms = performance.now() - t0;
    const cpuMs = processCpuMs(pid) - cpu0;
    return { ms, cpuMs, ready, before, after: hwmMb(pid), anonymous: anonymous.stop(), file: processMemoryMb(pid).RssFile, pages: body.pages ?? 0 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    await producer.disconnect().catch(() => undefined);
    await db.query(`drop schema if exists "${schema}" cascade`);
    await db.end();
  }
}

process.stdout.write(`machine: ${machine()}\n\n| lines | young generation | pages | issue ms | billing CPU ms over the issue | billing peak RSS: ready → warm-up statement → this statement | of it: anonymous (peak) + file-backed | load, steal |\n|---:|---|---:|---|---|---|---|---|\n`);
for (const lines of lineCounts) {
  for (const cap of caps) {
    const flags = cap === 0 ? [] : [`--max-semi-space-size=${cap}`];
    const runs = [];
    const started = cpuMark();
    for (let t = 0; t < trialCount; t++) runs.push(await once(lines, flags));
    const f = (k: 'ms' | 'cpuMs' | 'ready' | 'before' | 'after' | 'anonymous' | 'file') => {
      const x = trials(runs.map((r) => r[k]));
      return x.n > 1 ? `${Math.round(x.median)} (${Math.round(x.min)}–${Math.round(x.max)})` : `${Math.round(x.median)}`;
    };
    process.stdout.write(`| ${lines} | ${cap === 0 ? 'V8 default' : `--max-semi-space-size=${cap}`} | ${runs[0]?.pages} | ${f('ms')} | ${f('cpuMs')} | ${f('ready')} → ${f('before')} → ${f('after')} MB | ${f('anonymous')} + ${f('file')} MB | ${[os.loadavg()[0]?.toFixed(1), stealText(started)].filter(Boolean).join(', ')} |\n`);
  }
}
