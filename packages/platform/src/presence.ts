import { createHash, randomInt } from 'node:crypto';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { pgClientConfig } from './postgres-connection';
import { backoffDelay, sleep } from './retry';

/**
 * The advisory-lock namespace of process presence locks (first key of the two-key form), derived
 * from a name so it cannot collide with the single-key locks (`advisoryLockId`) other code takes.
 */
export const PRESENCE_LOCK_NAMESPACE = createHash('sha256').update('marketbill:process-presence').digest().readUInt32BE(0) & 0x7fffffff;

/**
 * SQL that is true while the process that wrote `ownerColumn` (its {@link ProcessPresence.ownerId})
 * still holds its presence lock in this database. A killed process's session ends when its socket
 * closes, and Postgres releases its locks at that moment; a process that hangs (or a network that
 * drops silently) loses its session within `idle_session_timeout`. A null owner counts as gone.
 */
export function ownerAliveSql(ownerColumn: string): string {
  return `(${ownerColumn} is not null and exists (select 1 from pg_catalog.pg_locks l
    where l.locktype = 'advisory' and l.granted and l.objsubid = 2
      and l.classid = ${PRESENCE_LOCK_NAMESPACE}::oid and l.objid = (${ownerColumn})::int::oid
      and l.database = (select oid from pg_catalog.pg_database where datname = current_database())))`;
}

export interface ProcessPresence {
  /** This process's owner id: store it with the claims and leases it takes. */
  readonly ownerId: number;
  /** Takes the lock (retrying until the database answers) and keeps it, reconnecting when the session drops. */
  start(): Promise<void>;
  /** Releases the lock (the session ends). */
  stop(): Promise<void>;
  /** Whether the lock is held right now. */
  held(): boolean;
}

export interface ProcessPresenceOptions {
  databaseUrl: string;
  logger: Logger;
  /** `application_name` of the session, so operators can tell it from the pool's connections. */
  applicationName: string;
  /** How often the session is used so a silently lost server notices it (default 5000 ms). */
  pingIntervalMs?: number;
  /** Server-side `idle_session_timeout` of the session: a frozen process loses its lock after it (default 15 s). */
  idleTimeoutMs?: number;
}

/**
 * Ties claims and leases to a live process. Each process holds a session-level advisory lock
 * `(namespace, ownerId)` on a dedicated connection for as long as it runs, and writes its ownerId
 * into what it claims (an idempotency key in flight, a statement reservation). Anyone may take a
 * claim over once {@link ownerAliveSql} says its owner is gone — within a second of a `kill -9`,
 * instead of after a fixed lease of a minute.
 *
 * Rejected alternative: a heartbeat table (a row per process, touched every few seconds, claims
 * taken over when the beat is older than N s). It needs a table and a write every few seconds in
 * every schema, and a dead process is noticed only after N seconds; the lock is noticed at once and
 * needs nothing but the connection.
 *
 * When the session drops while the process lives (the database restarted), its claims look
 * abandoned until it reconnects; whoever takes one over replaces the claim's token, so the
 * original request can no longer complete it (see ordering's idempotency keys).
 */
export function createProcessPresence(options: ProcessPresenceOptions): ProcessPresence {
  const log = options.logger.child({ component: 'process-presence' });
  const pingIntervalMs = options.pingIntervalMs ?? 5_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 15_000;
  let ownerId = randomInt(1, 0x7fffffff);
  let client: Client | undefined;
  let held = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let firstLock: { resolve: () => void; promise: Promise<void> } | undefined;

  async function connectAndLock(): Promise<Client> {
    const c = new Client({ ...pgClientConfig(options.databaseUrl, options.applicationName), keepAlive: true });
    c.on('error', (error) => {
      log.warn({ err: error }, 'presence session failed');
      wake?.();
    });
    c.on('end', () => wake?.());
    await c.connect();
    try {
      await c.query(`set idle_session_timeout = ${Math.max(1_000, idleTimeoutMs)}`).catch(() => undefined); // Postgres ≥ 14
      for (;;) {
        const { rows } = await c.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [PRESENCE_LOCK_NAMESPACE, ownerId]);
        if (rows[0]?.locked) return c;
        // Someone holds this id (a 1 in 2^31 draw, or our own earlier session not yet ended): take another.
        ownerId = randomInt(1, 0x7fffffff);
      }
    } catch (error) {
      await c.end().catch(() => undefined);
      throw error;
    }
  }

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      if (!client) {
        try {
          client = await connectAndLock();
          held = true;
          failures = 0;
          log.info({ ownerId }, 'process presence lock held');
          firstLock?.resolve();
        } catch (error) {
          failures++;
          const delay = backoffDelay(Math.min(failures, 6), 200, 5_000) + 100;
          log.warn({ err: error, retryInMs: delay }, 'process presence lock not taken; retrying');
          await sleep(delay);
          continue;
        }
      }
      await pause(pingIntervalMs);
      if (stopping) break;
      try {
        await client.query('select 1');
      } catch (error) {
        log.warn({ err: error }, 'process presence session lost; reconnecting');
        held = false;
        const lost = client;
        client = undefined;
        await lost.end().catch(() => undefined);
      }
    }
  }

  return {
    get ownerId() {
      return ownerId;
    },
    async start() {
      if (loop) return firstLock?.promise;
      stopping = false;
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      firstLock = { resolve, promise };
      loop = run();
      await promise;
    },
    async stop() {
      stopping = true;
      wake?.();
      firstLock?.resolve();
      await loop;
      loop = undefined;
      held = false;
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
    held: () => held,
  };
}
