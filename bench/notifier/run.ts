// Benchmark: events to SMS sent, against a local SENS-like server (bench/notifier/README.md).
//   npm run build && node bench/notifier/run.ts [--events 10000] [--concurrency 64] [--scenario all|e2e|consume|send]
// Every event is delivered twice (the same bytes, so the same event id); the SENS-like server counts
// what it accepted per number, each event having its own number, so any duplicate SMS shows.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { NotifierHarness } from '../../services/notifier/dist/testing/notifier-harness.js';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const { startNotifier } = require('../../services/notifier/dist/testing/notifier-harness.js');
const events = require('../../services/notifier/dist/testing/sample-events.js');
const { insertNewDeliveries } = require('../../services/notifier/dist/data-access/delivery-repository.js');
const { createDeliverySender } = require('../../services/notifier/dist/entry-points/schedule/delivery-sender.js');
const { createSensProvider } = require('../../services/notifier/dist/clients/sens-provider.js');
const { prepareDelivery } = require('../../services/notifier/dist/domain/prepare-delivery.js');
const { query } = require('@marketbill/testing');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const N = Number(arg('events', '10000'));
const CONCURRENCY = arg('concurrency', '64');
const SCENARIO = arg('scenario', 'all');

// ---- the SENS-like server in its own process ----
interface SensInfo { url: string; accessKey: string; secretKey: string; serviceId: string; from: string }
interface SensStats { received: number; requests: number; distinctNumbers: number; duplicates: number; firstAt: number | null; lastAt: number | null; sms: number; lms: number }
const child: ChildProcess = fork(path.join(here, 'fake-sens-process.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
function ask<T>(kind: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: { kind: string }) => {
      if (m.kind === kind) {
        child.off('message', onMessage);
        resolve(m as T);
      }
    };
    child.on('message', onMessage);
    child.send({ kind });
  });
}
const sens = await new Promise<SensInfo>((resolve) => child.once('message', (m) => resolve(m as SensInfo)));
const sensStats = () => ask<SensStats>('stats');

const sensEnv = (extra: Record<string, string>) => ({
  APP_ENV: 'production',
  LOG_LEVEL: 'warn',
  SMS_SEND_CONCURRENCY: CONCURRENCY,
  SENS_RATE_LIMIT_PER_SECOND: '1000000',
  SMS_POLL_INTERVAL_MS: '200',
  ...extra,
});
const fakeSensServer = { ...sens, received: [], requests: [], answerWith() {}, close: async () => {} };

const phoneOf = (run: number, i: number) => `010${String(run)}${String(i).padStart(7, '0')}`;

/** N events across four topics, each with its own recipient number. */
async function encodeLoad(h: NotifierHarness, run: number): Promise<Map<string, Array<{ key: string; value: Buffer }>>> {
  const byTopic = new Map<string, Array<{ key: string; value: Buffer }>>();
  const add = (topic: string, key: string, value: Buffer) => byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key, value }]);
  for (let i = 0; i < N; i++) {
    const to = phoneOf(run, i);
    const other = events.party('양재꽃상회', '01099990000');
    switch (i % 4) {
      case 0: {
        const e = events.orderPlaced(events.orderSnapshot(events.party('꽃담플라워', '01088880000'), events.party('양재꽃상회', to)));
        add('order.placed', e.order.orderId, await h.encode('order.placed', e));
        break;
      }
      case 1: {
        const e = events.verificationRequested(to, String(100000 + (i % 900000)));
        add('account.verification.requested', e.verificationId, await h.encode('account.verification.requested', e));
        break;
      }
      case 2: {
        const e = events.statementIssued(other, events.party('꽃담플라워', to));
        add('statement.issued', e.statementId, await h.encode('statement.issued', e));
        break;
      }
      default: {
        const order = events.priced(events.orderSnapshot(events.party('꽃담플라워', to), other), 13_000);
        const e = events.orderUpdated(order, 'PRICES_SET');
        add('order.updated', order.orderId, await h.encode('order.updated', e));
      }
    }
  }
  return byTopic;
}

/** Sends every message twice: all of them once, then all of them again. */
async function produceTwice(h: NotifierHarness, load: Map<string, Array<{ key: string; value: Buffer }>>): Promise<void> {
  for (let round = 0; round < 2; round++) {
    for (const [topic, messages] of load) {
      for (let i = 0; i < messages.length; i += 500) await h.produceBatch(topic, messages.slice(i, i + 500));
    }
  }
}

async function counts(h: NotifierHarness): Promise<{ total: number; sent: number; pending: number; failed: number }> {
  const [row] = await query(
    h.databaseUrl,
    `select count(*)::int as total, (count(*) filter (where status = 'SENT'))::int as sent,
            (count(*) filter (where status = 'PENDING'))::int as pending, (count(*) filter (where status = 'FAILED'))::int as failed
     from "${h.schema}".delivery where recipient <> '01077770000'`,
  );
  return row;
}

/**
 * One event through before the clock starts: the consumer group has joined and every partition
 * is assigned (Kafka's join takes seconds and is not what we measure).
 */
async function warmUp(h: NotifierHarness): Promise<void> {
  const e = events.verificationRequested('01077770000');
  await h.produce('account.verification.requested', e.verificationId, e);
  await until(async () => h.service.runtime.messaging!.subscriber!.stats().processed >= 1);
}

async function until(probe: () => Promise<boolean>, timeoutMs = 600_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return Date.now();
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const results: Record<string, unknown> = {};

if (SCENARIO === 'all' || SCENARIO === 'e2e') {
  await ask('reset');
  const h = await startNotifier({ sens: fakeSensServer, env: sensEnv({}) });
  const load = await encodeLoad(h, 1);
  await warmUp(h);
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  await produceTwice(h, load);
  const produced = Date.now();
  let consumedAt = 0;
  const sentAt = await until(async () => {
    const c = await counts(h);
    if (!consumedAt && c.total >= N) consumedAt = Date.now();
    return c.sent + c.failed >= N;
  });
  await until(async () => (h.service.runtime.messaging!.subscriber!.stats().duplicates >= N));
  const cpu = process.cpuUsage(cpu0);
  const s = await sensStats();
  const c = await counts(h);
  // The warm-up SMS is not part of the load.
  s.received -= 1;
  s.sms -= 1;
  s.distinctNumbers -= 1;
  results.e2e = {
    events: N,
    messagesDelivered: 2 * N,
    produceMs: produced - t0,
    allDeliveriesRecordedMs: consumedAt - t0,
    allSentMs: sentAt - t0,
    smsPerSecond: rate(N, sentAt - t0),
    recordPerSecond: rate(N, consumedAt - t0),
    smsAccepted: s.received,
    sms: s.sms,
    lms: s.lms,
    distinctNumbers: s.distinctNumbers,
    duplicateSms: s.duplicates,
    deliveryRows: c.total,
    failed: c.failed,
    subscriber: h.service.runtime.messaging!.subscriber!.stats(),
    sender: h.service.sender!.stats(),
    notifierProcessCpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
  await h.stop();
}

if (SCENARIO === 'all' || SCENARIO === 'consume') {
  const h = await startNotifier({ sens: fakeSensServer, env: sensEnv({ SMS_SENDER_ENABLED: 'false' }) });
  const load = await encodeLoad(h, 2);
  await warmUp(h);
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  await produceTwice(h, load);
  const doneAt = await until(async () => (await counts(h)).total >= N && h.service.runtime.messaging!.subscriber!.stats().duplicates >= N);
  const cpu = process.cpuUsage(cpu0);
  results.consumeOnly = {
    events: N,
    messages: 2 * N,
    ms: doneAt - t0,
    eventsPerSecond: rate(N, doneAt - t0),
    messagesPerSecond: rate(2 * N, doneAt - t0),
    notifierProcessCpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
  await h.stop();
}

if (SCENARIO === 'all' || SCENARIO === 'send') {
  await ask('reset');
  const h = await startNotifier({ sens: fakeSensServer, env: sensEnv({ SMS_SENDER_ENABLED: 'false' }) });
  const orm = h.service.runtime.orm;
  for (let i = 0; i < N; i += 1000) {
    const rows = [];
    for (let j = i; j < Math.min(N, i + 1000); j++) {
      const prepared = prepareDelivery({
        template: 'order-placed',
        recipient: phoneOf(3, j),
        variables: { retailerName: '꽃담플라워', orderNumber: '261126-000042', itemCount: 1, totalQuantity: 10, atCutoff: false, link: 'https://marketbill.kr/wholesale/orders/x' },
        dedupeKey: null,
        expiresAt: null,
      });
      rows.push({ ...prepared, id: randomUUID(), eventId: randomUUID(), eventTopic: 'order.placed', provider: 'sens', status: 'PENDING', providerMessage: null, traceHeaders: {} });
    }
    await orm.em.fork().transactional((em: unknown) => insertNewDeliveries(em, rows));
  }
  const sender = createDeliverySender({
    orm,
    databaseUrl: h.databaseUrl,
    schema: h.schema,
    provider: createSensProvider({ ...sens, baseUrl: sens.url, ratePerSecond: 1_000_000, timeoutMs: 5_000, maxSockets: Number(CONCURRENCY) }),
    policy: { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 10_000 },
    concurrency: Number(CONCURRENCY),
    leaseMs: 60_000,
    pollIntervalMs: 200,
    logger: h.service.runtime.logger,
  });
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  sender.start();
  const doneAt = await until(async () => (await counts(h)).sent >= N);
  const cpu = process.cpuUsage(cpu0);
  await sender.stop();
  const s = await sensStats();
  results.sendOnly = {
    deliveries: N,
    ms: doneAt - t0,
    smsPerSecond: rate(N, doneAt - t0),
    smsAccepted: s.received,
    duplicateSms: s.duplicates,
    sender: sender.stats(),
    notifierProcessCpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
  await h.stop();
}

child.send({ kind: 'stop' });
const machine = {
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
  sharedWith: 'the local stack (Kafka, Postgres, Apicurio, S3Proxy) and three other engineers’ builds and tests',
};
const report = { at: new Date().toISOString(), concurrency: Number(CONCURRENCY), machine, results };
const out = path.join(here, '..', 'out');
fs.mkdirSync(out, { recursive: true });
const file = path.join(out, `notifier-${report.at.replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n(written to ${path.relative(process.cwd(), file)})\n`);
process.exit(0);
