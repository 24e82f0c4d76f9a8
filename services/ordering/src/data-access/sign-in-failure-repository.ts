import type { EntityManager } from '@mikro-orm/postgresql';
import { deleteCounting, table } from './sql';

export interface SignInAddress {
  /** Failures in the current streak (0 when none is remembered). */
  failures: number;
  lastFailureAt: Date | null;
  lastSuccessAt: Date | null;
}

/**
 * What is known of sign-ins to a phone from one client address: the current failure streak (forgotten
 * `memorySeconds` after its last failure) and the last success.
 */
export async function findSignInAddress(em: EntityManager, phone: string, client: string, memorySeconds: number, now: Date): Promise<SignInAddress> {
  const rows = await em.execute<Array<{ failures: number; last_failure_at: Date | null; last_success_at: Date | null; streak_alive: boolean }>>(
    `select failures, last_failure_at, last_success_at,
            coalesce(last_failure_at > ?::timestamptz - make_interval(secs => ?), false) as streak_alive
       from ${table(em, 'sign_in_addresses')} where phone = ? and client = ?`,
    [now, memorySeconds, phone, client],
  );
  const row = rows[0];
  if (!row) return { failures: 0, lastFailureAt: null, lastSuccessAt: null };
  return {
    failures: row.streak_alive ? Number(row.failures) : 0,
    lastFailureAt: row.last_failure_at ? new Date(row.last_failure_at) : null,
    lastSuccessAt: row.last_success_at ? new Date(row.last_success_at) : null,
  };
}

/**
 * Adds a failure to the address's streak (one statement, outside any business transaction: a
 * refused sign-in must still count). A streak older than `memorySeconds` starts again at one.
 */
export async function recordSignInFailure(em: EntityManager, phone: string, client: string, memorySeconds: number, now: Date): Promise<number> {
  const rows = await em.execute<Array<{ failures: number }>>(
    `insert into ${table(em, 'sign_in_addresses')} as a (phone, client, failures, last_failure_at) values (?, ?, 1, ?)
     on conflict (phone, client) do update set
       failures = case when a.last_failure_at is null or a.last_failure_at <= ?::timestamptz - make_interval(secs => ?) then 1 else a.failures + 1 end,
       last_failure_at = excluded.last_failure_at
     returning failures`,
    [phone, client, now, now, memorySeconds],
  );
  return Number(rows[0]?.failures ?? 1);
}

/** A successful sign-in from this address ends its streak and makes it a known address of the phone. */
export async function recordSignInSuccess(em: EntityManager, phone: string, client: string, now: Date): Promise<void> {
  await em.execute(
    `insert into ${table(em, 'sign_in_addresses')} as a (phone, client, failures, last_success_at) values (?, ?, 0, ?)
     on conflict (phone, client) do update set failures = 0, last_failure_at = null, last_success_at = excluded.last_success_at`,
    [phone, client, now],
    'run',
  );
}

/** Deletes addresses neither failed nor used since `before`; answers how many. */
export function pruneSignInAddresses(em: EntityManager, before: Date): Promise<number> {
  return deleteCounting(em, `delete from ${table(em, 'sign_in_addresses')} where greatest(last_failure_at, last_success_at) < ?`, [before]);
}
