import type { EntityManager } from '@mikro-orm/postgresql';
import { table } from '../sql';

export interface StoredIdempotency {
  requestHash: string;
  statusCode: number | null;
  response: unknown;
  createdAt: Date;
}

/**
 * Claims `(account, key)` for a request. Answers undefined when this call claimed it, else the row
 * already there: a finished request (status and response stored) or one still in flight.
 */
export async function claimIdempotencyKey(em: EntityManager, accountId: string, key: string, requestHash: string): Promise<StoredIdempotency | undefined> {
  const t = table(em, 'idempotency_keys');
  const claimed = await em.execute<Array<{ ok: number }>>(
    `insert into ${t} (account_id, key, request_hash) values (?, ?, ?) on conflict do nothing returning 1 as ok`,
    [accountId, key, requestHash],
  );
  if (claimed.length > 0) return undefined;
  const rows = await em.execute<Array<{ request_hash: string; status_code: number | null; response: unknown; created_at: Date }>>(
    `select request_hash, status_code, response, created_at from ${t} where account_id = ? and key = ?`,
    [accountId, key],
  );
  const row = rows[0];
  if (!row) return claimIdempotencyKey(em, accountId, key, requestHash); // released in between: claim again
  return { requestHash: row.request_hash, statusCode: row.status_code, response: row.response, createdAt: new Date(row.created_at) };
}

/** Takes over an abandoned claim (its process died before finishing); true when this call got it. */
export async function takeOverIdempotencyKey(em: EntityManager, accountId: string, key: string, olderThan: Date): Promise<boolean> {
  const rows = await em.execute<Array<{ ok: number }>>(
    `update ${table(em, 'idempotency_keys')} set created_at = now() where account_id = ? and key = ? and status_code is null and created_at < ? returning 1 as ok`,
    [accountId, key, olderThan],
  );
  return rows.length > 0;
}

/** Stores the answer; call with the transaction that made the change, so both commit together. */
export async function completeIdempotencyKey(em: EntityManager, accountId: string, key: string, statusCode: number, response: unknown): Promise<void> {
  await em.execute(`update ${table(em, 'idempotency_keys')} set status_code = ?, response = ? where account_id = ? and key = ?`, [statusCode, JSON.stringify(response), accountId, key], 'run');
}

/** Releases a claim whose request failed, so a retry runs again. */
export async function releaseIdempotencyKey(em: EntityManager, accountId: string, key: string): Promise<void> {
  await em.execute(`delete from ${table(em, 'idempotency_keys')} where account_id = ? and key = ? and status_code is null`, [accountId, key], 'run');
}

/** The answer to store for a claimed key: what a retry with the same key gets back. */
export interface IdempotentAnswer {
  accountId: string;
  key: string;
  statusCode: number;
  response: unknown;
}

/**
 * For a change made by ONE statement (no transaction around it): the part of that statement that
 * stores the answer with the change, a CTE named `answer` over `table` (this schema's
 * `idempotency_keys`) that writes only when the statement's CTE `guard` produced a row. Its values
 * are {@link answerValues}, numbered from `$first`.
 */
export function answerCte(table: string, guard: string, first: number): string {
  const p = (i: number) => `$${first + i}`;
  return `answer as (
      update ${table} set status_code = ${p(0)}::int, response = ${p(1)}::jsonb
       where account_id = ${p(2)}::uuid and key = ${p(3)}::text and exists (select 1 from ${guard})
      returning 1
    )`;
}

/** The values of {@link answerCte}, in its order. */
export function answerValues(answer: IdempotentAnswer): unknown[] {
  return [answer.statusCode, JSON.stringify(answer.response ?? null), answer.accountId, answer.key];
}
