// Benchmark: "place order" (a 10-line cart becomes an order sheet) through the ordering edge, with
// the real stack behind it (Postgres, Kafka, the schema registry; the outbox relay publishing
// order.placed). Starts its own ordering process (services/ordering/dist, so run `npm run build`
// first) on a fresh schema and topic prefix, loads fixtures with SQL (accounts, confirmed
// connections, read-model varieties, one full cart per retailer), mints access tokens with the
// service's own signer, then fires a bounded number of POST /v1/orders at a fixed concurrency.
//
//   set -a; . /work/main/.stack/env; set +a      # or any stack: DATABASE_URL, KAFKA_BROKERS, SCHEMA_REGISTRY_URL
//   node bench/ordering/place-order.mts [--orders 3000] [--concurrency 32] [--replicas 1]
//
// Bounded in count and time (it stops by itself); all traffic goes to 127.0.0.1.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env, freePort, newRun, pg, root, sessionToken, startReplica, stopReplicas } from './ordering-process.mts';
import { percentile } from '../machine.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ORDERS = arg('orders', 3000);
const CONCURRENCY = arg('concurrency', 32);
const REPLICAS = arg('replicas', 1);
const LINES = 10;
const DEADLINE_MS = 120_000;

const run = newRun('bench');
const { tag, schema } = run;
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

async function fixtures(db: InstanceType<typeof pg.Client>): Promise<{ owner: string; retailers: string[] }> {
  const owner = randomUUID();
  const s = `"${schema}"`;
  await db.query(`insert into ${s}.accounts values ($1, '01090000000', 'bench-wholesaler', 'WHOLESALER_OWNER', 'x', $1, null, now(), now())`, [owner]);
  await db.query(`insert into ${s}.wholesalers (id, cutoff_time, created_at) values ($1, '22:00', now())`, [owner]);
  await db.query(
    `insert into ${s}.catalog_varieties select gen_random_uuid(), gen_random_uuid(), 'CUT_FLOWER', '장미', '품종-' || g, now() from generate_series(1, $1) g`,
    [LINES],
  );
  const { rows } = await db.query<{ id: string }>(
    `insert into ${s}.accounts select gen_random_uuid(), '0107' || lpad(g::text, 7, '0'), 'bench-retailer-' || g, 'RETAILER', 'x', null, null, now(), now()
       from generate_series(1, $1) g returning id`,
    [ORDERS],
  );
  await db.query(`insert into ${s}.connections select gen_random_uuid(), id, $1, 'CONFIRMED', $1, now(), now(), now() from ${s}.accounts where role = 'RETAILER'`, [owner]);
  await db.query(`insert into ${s}.carts select gen_random_uuid(), id, $1, null, 'PICKUP', null, now(), now() from ${s}.accounts where role = 'RETAILER'`, [owner]);
  await db.query(
    `insert into ${s}.cart_lines select gen_random_uuid(), c.id, v.id, 'UPPER', 1 + (random() * 20)::int, null, now() from ${s}.carts c cross join ${s}.catalog_varieties v`,
  );
  return { owner, retailers: rows.map((r) => r.id) };
}

async function main(): Promise<void> {
  const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
  const children: Awaited<ReturnType<typeof startReplica>>[] = [];
  const db = new pg.Client({ connectionString: env('DATABASE_URL') });
  await db.connect();
  try {
    log(`starting ${REPLICAS} ordering replica(s) on schema ${schema}`);
    for (const port of ports) children.push(await startReplica(run, port, { profile: process.env.BENCH_PROFILE === '1' }));
    const { owner, retailers } = await fixtures(db);
    log(`fixtures: ${retailers.length} retailers with a ${LINES}-line cart each at one wholesaler`);
    const tokens: string[] = [];
    for (const id of retailers) tokens.push(await sessionToken(db, run, { accountId: id, role: 'RETAILER' }));

    // Warm-up: the first few orders warm the JIT, the pools and the registry cache (not counted).
    const warm = Math.min(50, Math.floor(ORDERS / 10));
    const latencies: number[] = [];
    const failures: Record<string, number> = {};
    async function fire(from: number, to: number, record: boolean): Promise<void> {
      let next = from;
      const until = Date.now() + DEADLINE_MS;
      const worker = async () => {
        for (;;) {
          const i = next++;
          if (i >= to || Date.now() > until) return;
          const port = ports[i % ports.length] as number;
          const t0 = performance.now();
          const res = await fetch(`http://127.0.0.1:${port}/v1/orders`, {
            method: 'POST',
            headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json', 'idempotency-key': `bench-${i}` },
            body: JSON.stringify({ wholesalerId: owner }),
          });
          await res.arrayBuffer();
          const ms = performance.now() - t0;
          if (res.status !== 201) failures[res.status] = (failures[res.status] ?? 0) + 1;
          else if (record) latencies.push(ms);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    }
    await fire(0, warm, false);
    const t0 = performance.now();
    await fire(warm, retailers.length, true);
    const elapsed = (performance.now() - t0) / 1000;

    // Relay lag: how long until every order.placed has left the outbox for Kafka.
    const relayStart = performance.now();
    for (;;) {
      const { rows } = await db.query<{ n: string }>(`select count(*) as n from "${schema}".outbox`);
      if (Number(rows[0]?.n) === 0 || performance.now() - relayStart > 60_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const relayDrainS = (performance.now() - relayStart) / 1000;
    const { rows: counted } = await db.query<{ n: string }>(`select count(*) as n from "${schema}".orders`);

    latencies.sort((a, b) => a - b);
    const report = {
      scenario: `POST /v1/orders, ${LINES}-line cart, Idempotency-Key, ${REPLICAS} replica(s), concurrency ${CONCURRENCY}`,
      machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, load1: os.loadavg()[0] },
      orders: latencies.length,
      failures,
      ordersInDatabase: Number(counted[0]?.n),
      seconds: Number(elapsed.toFixed(2)),
      ordersPerSecond: Number((latencies.length / elapsed).toFixed(1)),
      latencyMs: {
        p50: Number(percentile(latencies, 50).toFixed(1)),
        p95: Number(percentile(latencies, 95).toFixed(1)),
        p99: Number(percentile(latencies, 99).toFixed(1)),
        max: Number((latencies.at(-1) ?? NaN).toFixed(1)),
      },
      outboxDrainedAfterSeconds: Number(relayDrainS.toFixed(2)),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    fs.mkdirSync(path.join(root, 'bench', 'out'), { recursive: true });
    fs.writeFileSync(path.join(root, 'bench', 'out', `ordering-place-order-${tag}.json`), JSON.stringify(report, null, 2));
  } finally {
    await stopReplicas(children);
    await db.query(`drop schema if exists "${schema}" cascade`);
    await db.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
