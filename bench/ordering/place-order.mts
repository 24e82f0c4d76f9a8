// Benchmark: "place order" (a 10-line cart becomes an order sheet) through the ordering edge, beside
// its limit measured in the same run: the same statements sent by a raw `pg` client at the same
// concurrency (what Postgres can do with exactly the SQL the service sends, with no HTTP, no
// authentication, no ORM, no Avro check). The ratio is the share of its database's capacity the edge
// reaches. Trials alternate (edge, limit, edge, limit, …) so both see the same load over time.
//
//   npm run build && npm run stack -- up --fast
//   node bench/ordering/place-order.mts [--orders 1000] [--concurrency 8] [--trials 3] [--stored 0] [--list]
//                                       [--replicas 1] [--profile] [--dist <another build's services/ordering/dist>]
//
// --stored N: N order sheets of 10 lines already in the tables (one wholesaler's, over 1,000 retailers
//   and 1,000 days) before the run: how placing and listing grow with the data (bench/README.md).
// --list: also times GET /v1/orders (page 0, size 20) as the wholesaler's owner and as a retailer.
// --profile: a V8 CPU profile of the service in bench/out/ (summarise with bench/profile-summary.ts).
// Bounded in count and time (it stops by itself); all traffic goes to 127.0.0.1.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { env, freePort, newRun, pg, root, sessionToken, startReplica, stopReplicas } from './ordering-process.mts';
import { loadByPhase, machine, percentile, postgresCpuMs, processCpuMs, ratioReport, trials } from '../machine.ts';

const require = createRequire(import.meta.url);
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const textArg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ORDERS = arg('orders', 1000);
const CONCURRENCY = arg('concurrency', 8);
const TRIALS = arg('trials', 3);
const REPLICAS = arg('replicas', 1);
const STORED = arg('stored', 0);
const LIST = process.argv.includes('--list') || STORED > 0;
const DIST = textArg('dist');
const LINES = 10;
const WARM = 50;
const DEADLINE_MS = 120_000;

// The statements the service sends, from this checkout's build: the limit runs exactly these.
const dist = path.join(root, 'services/ordering/dist');
const placement = require(path.join(dist, 'data-access/order-placement-repository.js')) as {
  placementReadSql(schema: string): string;
  placementWriteSql(schema: string, withAnswer: boolean): string;
};
const idempotency = require(path.join(dist, 'data-access/idempotency-repository.js')) as { claimSql?(schema: string): string };
const { toOrderSnapshot } = require(path.join(dist, 'use-cases/orders/order-snapshot.js'));
const { toEventParty } = require(path.join(dist, 'use-cases/parties.js'));
const { createSealer } = require('@marketbill/platform');
const { encodeBody, schemaFingerprint } = require('@marketbill/messaging');
const { TOPICS } = require('@marketbill/schemas');
const { formatOrderNumber } = require(path.join(dist, 'domain/order-number.js'));

const run = newRun('bench');
const { tag, schema } = run;
// The events seal the parties' phones (as the replicas do, with the key startReplica gives them).
const sealing = { sealer: createSealer({ current: `${run.secret}-sealing` }) };
const s = `"${schema}"`;
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

async function fixtures(db: InstanceType<typeof pg.Client>, retailers: number): Promise<{ owner: string; retailers: string[] }> {
  const owner = randomUUID();
  await db.query(`insert into ${s}.accounts values ($1, '01090000000', 'bench-wholesaler', 'WHOLESALER_OWNER', 'x', $1, null, now(), now())`, [owner]);
  await db.query(`insert into ${s}.wholesalers (id, cutoff_time, created_at) values ($1, '22:00', now())`, [owner]);
  await db.query(
    `insert into ${s}.catalog_varieties select gen_random_uuid(), gen_random_uuid(), 'CUT_FLOWER', '장미', '품종-' || g, now() from generate_series(1, $1) g`,
    [LINES],
  );
  const { rows } = await db.query<{ id: string }>(
    `insert into ${s}.accounts select gen_random_uuid(), '0107' || lpad(g::text, 7, '0'), 'bench-retailer-' || g, 'RETAILER', 'x', null, null, now(), now()
       from generate_series(1, $1) g returning id`,
    [retailers],
  );
  await db.query(`insert into ${s}.connections select gen_random_uuid(), id, $1, 'CONFIRMED', $1, now(), now(), now() from ${s}.accounts where role = 'RETAILER'`, [owner]);
  await db.query(`insert into ${s}.carts select gen_random_uuid(), id, $1, null, 'PICKUP', null, now(), now() from ${s}.accounts where role = 'RETAILER'`, [owner]);
  await db.query(
    `insert into ${s}.cart_lines select gen_random_uuid(), c.id, v.id, 'UPPER', 1 + (random() * 20)::int, null, now() from ${s}.carts c cross join ${s}.catalog_varieties v`,
  );
  return { owner, retailers: rows.map((r) => r.id) };
}

/** `count` order sheets of 10 lines already placed with `owner`, over 1,000 retailers and 1,000 days. */
async function storeOrders(db: InstanceType<typeof pg.Client>, owner: string, count: number): Promise<number> {
  const started = performance.now();
  await db.query(`create temporary table stored_retailers as select id, row_number() over () - 1 as n from ${s}.accounts where role = 'RETAILER' limit 1000`);
  const retailers = Number((await db.query(`select count(*) as n from stored_retailers`)).rows[0].n);
  const chunk = 100_000;
  for (let from = 1; from <= count; from += chunk) {
    const to = Math.min(count, from + chunk - 1);
    // One statement per chunk: the orders and, from what it inserted, their lines.
    await db.query(
      `with placed as (
         insert into ${s}.orders (id, number, retailer_id, wholesaler_id, status, placement, placed_at, sale_day, memo, fulfilment_method, fulfilment_state,
                                  delivery_address, version, priced_at, updated_at)
         select gen_random_uuid(), 'stored-' || g, r.id, $1, 'PLACED', 'MANUAL', now() - make_interval(mins => g), to_char(current_date - (g % 1000), 'YYYY-MM-DD'),
                null, 'PICKUP', 'PENDING', null, 1, null, now()
           from generate_series($2::int, $3::int) g join stored_retailers r on r.n = g % $4
         returning id
       )
       insert into ${s}.order_lines (id, order_id, position, kind, variety_id, item_name, variety_name, grade, quantity, unit_price, memo)
       select gen_random_uuid(), placed.id, p, 'ITEM', gen_random_uuid(), '장미', '품종-' || p, 'UPPER', p, case when p % 2 = 0 then 1000 * p end, null
         from placed cross join generate_series(1, ${LINES}) p`,
      [owner, from, to, retailers],
    );
    log(`stored ${to} of ${count} orders`);
  }
  await db.query(`vacuum analyze ${s}.orders`);
  await db.query(`vacuum analyze ${s}.order_lines`);
  return (performance.now() - started) / 1000;
}

interface Trial {
  perSecond: number;
  latencies: number[];
  failures: Record<string, number>;
  /** CPU ms per order: the service processes (edge) or this process (limit's client), and Postgres. */
  cpu: { caller: number; postgres: number };
}

/** The processes whose CPU counts as the caller's in a phase (set by main). */
let callerPids: number[] = [];

/** Runs `work(i)` for i in [from, to) at CONCURRENCY; times each call. */
async function fire(from: number, to: number, work: (i: number) => Promise<number | undefined>): Promise<Trial> {
  let next = from;
  const until = Date.now() + DEADLINE_MS;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const t0 = performance.now();
  const callerCpu = () => callerPids.reduce((sum, pid) => sum + processCpuMs(pid), 0) + (callerPids.length === 0 ? process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000 : 0);
  const cpu0 = { caller: callerCpu(), postgres: postgresCpuMs() };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const i = next++;
        if (i >= to || Date.now() > until) return;
        const start = performance.now();
        const failed = await work(i);
        if (failed !== undefined) failures[failed] = (failures[failed] ?? 0) + 1;
        else latencies.push(performance.now() - start);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const n = Math.max(1, latencies.length);
  return { perSecond: latencies.length / seconds, latencies, failures, cpu: { caller: (callerCpu() - cpu0.caller) / n, postgres: (postgresCpuMs() - cpu0.postgres) / n } };
}

async function main(): Promise<void> {
  process.stdout.write(`machine: ${machine()}\n`);
  const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
  const children: Awaited<ReturnType<typeof startReplica>>[] = [];
  const db = new pg.Client({ connectionString: env('DATABASE_URL') });
  await db.connect();
  // Connections stay open between phases (as the service's pool under load): prepared statements stay parsed.
  const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: CONCURRENCY, idleTimeoutMillis: 0 });
  try {
    log(`starting ${REPLICAS} ordering replica(s) on schema ${schema}${DIST ? ` from ${DIST}` : ''}`);
    for (const port of ports) children.push(await startReplica(run, port, { profile: process.argv.includes('--profile'), ...(DIST ? { dist: DIST } : {}) }));
    const needed = 2 * WARM + 2 * TRIALS * ORDERS;
    const { owner, retailers } = await fixtures(db, needed);
    log(`fixtures: ${retailers.length} retailers with a ${LINES}-line cart each at one wholesaler`);
    if (STORED > 0) log(`${STORED} orders stored in ${(await storeOrders(db, owner, STORED)).toFixed(0)} s`);
    await db.query(`analyze`);
    // Each token names a live session (the edge checks it on every request), as a signed-in retailer's does.
    const tokens: string[] = [];
    for (const id of retailers) tokens.push(await sessionToken(db, run, { accountId: id, role: 'RETAILER' }));

    const edgeOrder = async (i: number) => {
      const port = ports[i % ports.length] as number;
      const res = await fetch(`http://127.0.0.1:${port}/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json', 'idempotency-key': `bench-${i}` },
        body: JSON.stringify({ wholesalerId: owner }),
      });
      await res.arrayBuffer();
      return res.status === 201 ? undefined : res.status;
    };

    // The limit: the service's statements, prepared, from a bare pg pool — the idempotency claim
    // (with its claim token, as claimIdempotencyKey makes it), the read, the write with the stored
    // answer, which writes only while that claim holds. The client builds the rows, the event (phones
    // sealed) and the answer from the read (the same JSON shapes) but does no HTTP or token check;
    // it encodes the event's Avro body as the outbox now stores it (with builds before session 11,
    // the JSON payload, unchecked).
    const readSql = placement.placementReadSql(schema);
    const writeSql = placement.placementWriteSql(schema, true);
    const avroOutbox = writeSql.includes('schema_fingerprint');
    // The service's own claim statement (a build from before it was exported: the same text, numbered here).
    const claimSql = idempotency.claimSql?.(schema) ?? `insert into ${s}."idempotency_keys" (account_id, key, request_hash, owner, claim_token) values ($1, $2, $3, $4, $5) on conflict do nothing returning 1 as ok`;
    const limitOrder = async (i: number) => {
      const retailerId = retailers[i] as string;
      const key = `limit-${i}`;
      const client = await pool.connect();
      try {
        const hash = createHash('sha256').update(`post /v1/orders ${owner}`).digest('hex');
        const claimToken = randomUUID();
        const claimed = await client.query({ name: 'limit-claim', text: claimSql, values: [retailerId, key, hash, null, claimToken] });
        if (claimed.rowCount !== 1) return 409;
        const placedAt = new Date();
        const saleDay = placedAt.toLocaleDateString('sv-SE', { timeZone: 'Asia/Seoul' });
        const { rows } = await client.query({ name: 'limit-read', text: readSql, values: [saleDay, retailerId, owner] });
        const cart = rows[0];
        if (!cart?.sequence) return 409;
        const orderId = randomUUID();
        const lines = cart.lines.map((l: Record<string, unknown>, n: number) => ({ id: randomUUID(), orderId, position: n + 1, kind: 'ITEM', varietyId: l.varietyId, itemName: l.itemName, varietyName: l.varietyName, grade: l.grade, quantity: l.quantity, unitPrice: l.dailyPrice === null ? null : Number(l.dailyPrice), memo: l.memo }));
        const order = { id: orderId, number: formatOrderNumber(saleDay, cart.sequence), retailerId, wholesalerId: owner, status: 'PLACED', placement: 'MANUAL', placedAt, saleDay, memo: cart.memo, fulfilmentMethod: cart.fulfilment_method, fulfilmentState: 'PENDING', deliveryAddress: cart.delivery_address, version: 1, pricedAt: null };
        const party = (id: string) => {
          const a = cart.parties?.find((p: { id: string }) => p.id === id);
          return toEventParty(sealing, { id, name: a?.name ?? '', phone: a?.phone ?? '' });
        };
        const snapshot = toOrderSnapshot(order, lines, { retailer: party(retailerId), wholesaler: party(owner) });
        const event = { eventId: randomUUID(), occurredAt: placedAt.getTime(), order: snapshot };
        // The outbox row as the build writes it: Avro bytes and their schema's fingerprint (since
        // session 11), or the JSON payload of builds before.
        const eventValues = avroOutbox ? [encodeBody('order.placed', TOPICS['order.placed'], event), schemaFingerprint(TOPICS['order.placed']), '{}'] : [JSON.stringify(event), '{}'];
        const values = [
          cart.id, cart.version, orderId, order.number, retailerId, owner, 'PLACED', 'MANUAL', placedAt, saleDay, cart.memo, cart.fulfilment_method, 'PENDING', cart.delivery_address, 1, null,
          JSON.stringify(lines.map((l: Record<string, unknown>) => ({ id: l.id, position: l.position, kind: l.kind, variety_id: l.varietyId, item_name: l.itemName, variety_name: l.varietyName, grade: l.grade, quantity: l.quantity, unit_price: l.unitPrice, memo: l.memo }))),
          randomUUID(), 'order.placed', orderId, ...eventValues,
          201, JSON.stringify(snapshot), retailerId, key, claimToken,
        ];
        const written = await client.query({ name: 'limit-write', text: writeSql, values });
        return written.rows[0]?.placed === 1 ? undefined : 409;
      } finally {
        client.release();
      }
    };

    // Warm-up: JIT, pools, prepared statements and the registry cache (not counted).
    await fire(0, WARM, edgeOrder);
    await fire(WARM, 2 * WARM, limitOrder);
    const edge: Trial[] = [];
    const limit: Trial[] = [];
    const load = loadByPhase();
    for (let t = 0; t < TRIALS; t++) {
      const base = 2 * WARM + 2 * t * ORDERS;
      callerPids = children.map((c) => c.pid as number);
      edge.push(await load.phase('edge', () => fire(base, base + ORDERS, edgeOrder)));
      callerPids = [];
      limit.push(await load.phase('limit', () => fire(base + ORDERS, base + 2 * ORDERS, limitOrder)));
      log(`trial ${t + 1}: edge ${edge.at(-1)!.perSecond.toFixed(0)}/s, limit ${limit.at(-1)!.perSecond.toFixed(0)}/s`);
    }
    load.stop();

    // The relay keeps up: how long until every order.placed has left the outbox (the limit's rows
    // are in the same outbox and relayed by the same service).
    const relayStart = performance.now();
    for (;;) {
      const { rows } = await db.query<{ n: string }>(`select count(*) as n from ${s}.outbox`);
      if (Number(rows[0]?.n) === 0 || performance.now() - relayStart > 60_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const relayDrainS = (performance.now() - relayStart) / 1000;
    // Events the relay could not encode (the limit builds its own) are set aside, not lost: count them.
    const setAside = Number((await db.query<{ n: string }>(`select count(*) as n from ${s}.outbox_failed`)).rows[0]?.n);
    const failures = [...edge, ...limit].flatMap((t) => Object.entries(t.failures));
    const p99 = (ts: Trial[]) => trials(ts.map((t) => percentile(t.latencies, 99)));
    const p50 = (ts: Trial[]) => trials(ts.map((t) => percentile(t.latencies, 50)));
    const edgeP99 = p99(edge);
    const cpu = (ts: Trial[], k: 'caller' | 'postgres') => trials(ts.map((t) => t.cpu[k])).median.toFixed(2);
    process.stdout.write(
      [
        `scenario: ${LINES}-line cart → order sheet, Idempotency-Key, ${REPLICAS} replica(s), concurrency ${CONCURRENCY}, ${ORDERS} orders per trial, ${STORED.toLocaleString('en-US')} orders already stored`,
        ratioReport({
          figure: { what: 'POST /v1/orders through the edge', value: trials(edge.map((t) => t.perSecond)), unit: 'orders/s', load: load.text('edge'), extra: `p50 ${p50(edge).median.toFixed(1)} ms, p99 ${edgeP99.median.toFixed(1)} ms (${edgeP99.min.toFixed(0)}–${edgeP99.max.toFixed(0)})` },
          limit: { what: 'the same statements from a raw pg pool', value: trials(limit.map((t) => t.perSecond)), unit: 'orders/s', load: load.text('limit'), extra: `p50 ${p50(limit).median.toFixed(1)} ms, p99 ${p99(limit).median.toFixed(1)} ms` },
          goal: '≥ 60 % of the limit, p99 ≤ 100 ms',
        }),
        `CPU per order: edge ${cpu(edge, 'caller')} ms in the service + ${cpu(edge, 'postgres')} ms in Postgres; limit ${cpu(limit, 'caller')} ms in the raw client + ${cpu(limit, 'postgres')} ms in Postgres (this bench process, the relay and Kafka not counted)`,
        `failures: ${failures.length === 0 ? 'none' : failures.map(([k, v]) => `${v} × ${k}`).join(', ')}; outbox empty ${relayDrainS.toFixed(1)} s after the last order, ${setAside} event(s) set aside by the relay`,
        '',
      ].join('\n'),
    );

    if (LIST) {
      const ownerToken = await sessionToken(db, run, { accountId: owner, role: 'WHOLESALER_OWNER', wholesalerId: owner });
      const { rows } = await db.query<{ retailer_id: string }>(`select retailer_id from ${s}.orders group by retailer_id order by count(*) desc limit 1`);
      const busiest = rows[0]?.retailer_id as string;
      const retailerToken = await sessionToken(db, run, { accountId: busiest, role: 'RETAILER' });
      for (const [who, token] of [['wholesaler owner (all its orders)', ownerToken], ['retailer (its own orders)', retailerToken]] as const) {
        const { rows: counted } = await db.query<{ n: string }>(`select count(*) as n from ${s}.orders where ${who.startsWith('wholesaler') ? 'wholesaler_id' : 'retailer_id'} = $1`, [who.startsWith('wholesaler') ? owner : busiest]);
        const times: number[] = [];
        let cpu0 = { service: 0, postgres: 0 };
        for (let i = 0; i < 120; i++) {
          if (i === 20) cpu0 = { service: processCpuMs(children[0]!.pid as number), postgres: postgresCpuMs() };
          const t0 = performance.now();
          const res = await fetch(`http://127.0.0.1:${ports[0]}/v1/orders?page=0&size=20`, { headers: { authorization: `Bearer ${token}` } });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`listing answered ${res.status}`);
          if (i >= 20) times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        const cpu = { service: (processCpuMs(children[0]!.pid as number) - cpu0.service) / 100, postgres: (postgresCpuMs() - cpu0.postgres) / 100 };
        process.stdout.write(
          `listing GET /v1/orders (page 0, size 20) as ${who}, ${Number(counted[0]?.n).toLocaleString('en-US')} orders in scope: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms; CPU per request ${cpu.service.toFixed(2)} ms in the service + ${cpu.postgres.toFixed(2)} ms in Postgres (100 sequential requests, load ${os.loadavg()[0]!.toFixed(1)})\n`,
        );
      }
    }
    fs.mkdirSync(path.join(root, 'bench', 'out'), { recursive: true });
    fs.writeFileSync(path.join(root, 'bench', 'out', `ordering-place-order-${tag}.json`), JSON.stringify({ edge: edge.map((t) => ({ ...t, latencies: undefined })), limit: limit.map((t) => ({ ...t, latencies: undefined })) }, null, 2));
  } finally {
    await stopReplicas(children);
    await pool.end();
    await db.query(`drop schema if exists ${s} cascade`);
    await db.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
