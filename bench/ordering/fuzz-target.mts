// The fuzz run's target: an ordering process of its own (fresh schema) with a retailer, a
// wholesaler owner with staff, an admin, a confirmed connection, a variety and a placed order, so
// the fuzzer reaches real rows. Prints `PORT RETAILER_TOKEN OWNER_TOKEN ADMIN_TOKEN` on one line,
// then runs until its stdin closes (or SIGTERM), and drops its schema. Used by fuzz.sh.
import { randomUUID } from 'node:crypto';
import { env, freePort, newRun, pg, sessionToken, startReplica, stopReplicas } from './ordering-process.mts';

const run = newRun('fuzz');
const port = await freePort();
const child = await startReplica(run, port);
const db = new pg.Client({ connectionString: env('DATABASE_URL') });
await db.connect();
const s = `"${run.schema}"`;
const [retailer, owner, staff, admin, variety] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
await db.query(
  `insert into ${s}.accounts values
     ($1, '01070000001', 'fuzz-retailer', 'RETAILER', 'x', null, null, now(), now()),
     ($2, '01070000002', 'fuzz-owner', 'WHOLESALER_OWNER', 'x', $2, null, now(), now()),
     ($3, '01070000003', 'fuzz-staff', 'WHOLESALER_STAFF', 'x', $2, null, now(), now()),
     ($4, '01070000004', 'fuzz-admin', 'ADMIN', 'x', null, null, now(), now())`,
  [retailer, owner, staff, admin],
);
await db.query(`insert into ${s}.wholesalers (id, cutoff_time, created_at) values ($1, '22:00', now())`, [owner]);
await db.query(`insert into ${s}.connections values (gen_random_uuid(), $1, $2, 'CONFIRMED', $2, now(), now(), now())`, [retailer, owner]);
await db.query(`insert into ${s}.catalog_varieties values ($1, gen_random_uuid(), 'CUT_FLOWER', '장미', '레드나오미', now())`, [variety]);
await db.query(`insert into ${s}.auction_prices values ($1, '특1', '2026-11-24', 9000, 12000, 15000, 100, now())`, [variety]);
const token = (accountId: string, role: 'RETAILER' | 'WHOLESALER_OWNER' | 'ADMIN', wholesalerId?: string) =>
  sessionToken(db, run, { accountId, role, ...(wholesalerId ? { wholesalerId } : {}) });
const retailerToken = await token(retailer, 'RETAILER');
await fetch(`http://127.0.0.1:${port}/v1/carts/${owner}/lines`, {
  method: 'POST',
  headers: { authorization: `Bearer ${retailerToken}`, 'content-type': 'application/json' },
  body: JSON.stringify({ varietyId: variety, grade: 'UPPER', quantity: 3 }),
});
await fetch(`http://127.0.0.1:${port}/v1/orders`, {
  method: 'POST',
  headers: { authorization: `Bearer ${retailerToken}`, 'content-type': 'application/json' },
  body: JSON.stringify({ wholesalerId: owner }),
});
process.stdout.write(`${port} ${retailerToken} ${await token(owner, 'WHOLESALER_OWNER', owner)} ${await token(admin, 'ADMIN')}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await stopReplicas([child]);
  await db.query(`drop schema if exists ${s} cascade`);
  await db.end();
  process.exit(0);
}
process.stdin.on('end', () => void stop());
process.stdin.resume();
process.once('SIGTERM', () => void stop());
