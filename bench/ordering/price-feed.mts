// How much ordering's consumer spends taking auction.price.updated into its catalog read model (a
// day's import is ≈ 4,000 events, a year's backfill ≈ a million): an ordering process of its own
// (fresh schema, topic prefix and consumer group) is started from a build, then this bench produces
// `--events` price events (a market of `--varieties` varieties × 4 grades per sale day, day after
// day, keyed as auction-ingest keys them) and waits until ordering's inbox holds them all. Printed
// per build: the rate from the first event produced to the last one processed, and the CPU of the
// ordering process and of Postgres per 1,000 events. Builds given with `--dist` alternate trial by
// trial (e.g. a copy of an earlier build's services/ordering/dist).
//
//   npm run build && npm run stack -- up --fast
//   node bench/ordering/price-feed.mts [--events 20000] [--varieties 250] [--trials 2] [--dist services/ordering/dist,…]
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { cpuMark, freePort, machine, postgresCpuMs, processCpuMs, stealText, trials, formatTrials } from '../machine.ts';
import { env, newRun, pg, root, startReplica, stopReplicas } from './ordering-process.mts';

const require = createRequire(import.meta.url);
const messaging = require(path.join(root, 'packages/messaging/dist/index.js'));
const platform = require(path.join(root, 'packages/platform/dist/index.js'));
const { topics } = require(path.join(root, 'services/ordering/dist/topics.js'));

const opt = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return (i > 0 ? process.argv[i + 1] : undefined) ?? fallback;
};
const eventCount = Number(opt('events', '20000'));
const varietyCount = Number(opt('varieties', '250'));
const trialCount = Number(opt('trials', '2'));
const dists = opt('dist', 'services/ordering/dist').split(',');
const grades = ['특1', '특2', '상', '보통'];
const logger = platform.createLogger({ service: 'bench', level: 'silent' });

/** The market's varieties (ids as auction-ingest derives them do not matter here: random, fixed per trial). */
function market() {
  return Array.from({ length: varietyCount }, (_, i) => ({ itemId: randomUUID(), varietyId: randomUUID(), item: `품목${i % 40}`, variety: `품종${i}` }));
}

/** The price events of consecutive sale days, one per variety and grade each day. */
function* priceEvents(varieties: ReturnType<typeof market>) {
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let n = 0; n < eventCount; n++) {
    const perDay = varieties.length * grades.length;
    const day = Math.floor(n / perDay);
    const v = varieties[Math.floor((n % perDay) / grades.length)]!;
    const grade = grades[n % grades.length]!;
    const avgPrice = 5_000 + ((n * 37) % 20_000);
    yield {
      key: `CUT_FLOWER|${v.item}|${v.variety}`,
      event: {
        eventId: randomUUID(),
        occurredAt: start + n,
        saleDate: new Date(start + day * 86_400_000).toISOString().slice(0, 10),
        category: 'CUT_FLOWER',
        item: v.item,
        variety: v.variety,
        grade,
        minPrice: avgPrice - 1_000,
        avgPrice,
        maxPrice: avgPrice + 1_000,
        totalAmount: avgPrice * 10,
        totalQuantity: 10,
        change: 'NEW',
        source: 'REPLAY',
        itemId: v.itemId,
        varietyId: v.varietyId,
        revision: 1,
      },
    };
  }
}

async function once(dist: string): Promise<{ rate: number; orderingMs: number; postgresMs: number }> {
  const run = newRun('pf');
  const prefix = `${run.schema}.`;
  const child = await startReplica(run, await freePort(), { dist: path.resolve(root, dist) });
  const db = new pg.Client({ connectionString: env('DATABASE_URL') });
  await db.connect();
  const kafka = messaging.createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: 'bench-price-feed', logger });
  const producer = messaging.createProducer(kafka);
  const naming = messaging.createTopicNaming(topics, prefix);
  const codec = messaging.createEventCodec(messaging.createRegistryClient(env('SCHEMA_REGISTRY_URL')), naming);
  try {
    await producer.connect();
    // Encoded before the clock starts: the bench's own Avro work is not ordering's.
    const encoded: Array<{ key: string; value: Buffer; headers: Record<string, string> }> = [];
    for (const { key, event } of priceEvents(market())) {
      encoded.push({ key, value: await codec.encode('auction.price.updated', event), headers: { 'event-id': event.eventId, 'event-type': 'auction.price.updated', 'produced-by': 'auction-ingest' } });
    }
    const cpu0 = processCpuMs(child.pid as number);
    const pg0 = postgresCpuMs();
    const t0 = performance.now();
    for (let i = 0; i < encoded.length; i += 1_000) {
      await producer.send({ topic: naming.topic('auction.price.updated'), acks: -1, messages: encoded.slice(i, i + 1_000) });
    }
    let end = 0;
    for (const deadline = Date.now() + 600_000; ; ) {
      const { rows } = await db.query(`select count(*)::int as n, max(processed_at) as last from "${run.schema}".inbox`);
      if (rows[0].n >= eventCount) {
        end = performance.now();
        break;
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`ordering took ${rows[0].n} of ${eventCount} events`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const orderingMs = processCpuMs(child.pid as number) - cpu0;
    const postgresMs = postgresCpuMs() - pg0;
    const { rows } = await db.query(`select count(*)::int as n from "${run.schema}".auction_prices`);
    if (rows[0].n !== varietyCount * grades.length) throw new Error(`the read model holds ${rows[0].n} prices, expected ${varietyCount * grades.length}`);
    return { rate: eventCount / ((end - t0) / 1_000), orderingMs: (orderingMs * 1_000) / eventCount, postgresMs: (postgresMs * 1_000) / eventCount };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await stopReplicas([child]);
    await db.query(`drop schema if exists "${run.schema}" cascade`).catch(() => undefined);
    await db.end();
  }
}

console.log(`machine: ${machine()}`);
console.log(`${eventCount} auction.price.updated events, ${varietyCount} varieties × ${grades.length} grades per sale day; ${trialCount} trial(s) per build, alternating\n`);
const results = new Map<string, Array<Awaited<ReturnType<typeof once>>>>();
const mark = cpuMark();
for (let t = 0; t < trialCount; t++) {
  for (const dist of dists) {
    const result = await once(dist);
    results.set(dist, [...(results.get(dist) ?? []), result]);
    console.error(`${dist}: ${result.rate.toFixed(0)} events/s, ordering ${result.orderingMs.toFixed(0)} + Postgres ${result.postgresMs.toFixed(0)} ms per 1,000 (load ${os.loadavg()[0]!.toFixed(1)})`);
  }
}
console.log('| build | rate, first event produced → last processed | ordering CPU per 1,000 events | Postgres CPU per 1,000 events |');
console.log('|---|---|---|---|');
for (const [dist, rs] of results) {
  console.log(
    `| ${dist} | ${formatTrials(trials(rs.map((r) => r.rate)), 'events/s', 0)} | ${formatTrials(trials(rs.map((r) => r.orderingMs)), 'ms', 0)} | ${formatTrials(trials(rs.map((r) => r.postgresMs)), 'ms', 0)} |`,
  );
}
console.log(`\nload average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}, ${stealText(mark)}`);
process.exit(0);
