// The cost of checking the session on every authenticated request (the access token's refresh
// family and the account, in Postgres; see services/ordering/src/entry-points/http/authenticate.ts).
// One ordering process per setting of SESSION_CHECK_CACHE_MS — 0 (every request asks the database)
// and 500 (the default) — answers GET /v1/me for many sessions at a fixed concurrency; the figures
// are the latencies of the whole request through the real HTTP entry point on the local stack.
//   node bench/ordering/session-check.mts [--requests 4000] [--sessions 200] [--concurrency 8]
import { machine, percentile } from '../machine.ts';
import { env, freePort, newRun, pg, sessionToken, startReplica, stopReplicas } from './ordering-process.mts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg('requests', 4000);
const SESSIONS = arg('sessions', 200);
const CONCURRENCY = arg('concurrency', 8);

async function measure(cacheMs: number): Promise<string> {
  const run = newRun('sesbench');
  const port = await freePort();
  const child = await startReplica(run, port, { env: { SESSION_CHECK_CACHE_MS: String(cacheMs) } });
  const db = new pg.Client({ connectionString: env('DATABASE_URL') });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string }>(
      `insert into "${run.schema}".accounts select gen_random_uuid(), '0106' || lpad(g::text, 7, '0'), 'bench-' || g, 'RETAILER', 'x', null, null, now(), now()
         from generate_series(1, $1) g returning id`,
      [SESSIONS],
    );
    const tokens: string[] = [];
    for (const r of rows) tokens.push(await sessionToken(db, run, { accountId: r.id, role: 'RETAILER' }));
    const call = async (i: number) => {
      const started = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/v1/me`, { headers: { authorization: `Bearer ${tokens[i % tokens.length]}` } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET /v1/me answered ${res.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 300; i++) await call(i); // warm-up
    const latencies: number[] = [];
    let next = 0;
    const began = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) latencies.push(await call(next++));
      }),
    );
    const seconds = (performance.now() - began) / 1000;
    latencies.sort((a, b) => a - b);
    const f = (v: number) => v.toFixed(1);
    return `| ${cacheMs} | ${REQUESTS} | ${SESSIONS} | ${CONCURRENCY} | ${Math.round(REQUESTS / seconds)} | ${f(percentile(latencies, 50))} | ${f(percentile(latencies, 95))} | ${f(percentile(latencies, 99))} |`;
  } finally {
    await db.query(`drop schema if exists "${run.schema}" cascade`).catch(() => undefined);
    await db.end();
    await stopReplicas([child]);
  }
}

process.stdout.write(`Machine: ${machine()}\n\n| SESSION_CHECK_CACHE_MS | requests | sessions | concurrency | req/s | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|---|---|\n`);
for (const cacheMs of [0, 500]) process.stdout.write(`${await measure(cacheMs)}\n`);
