import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ownerAliveSql, preparedQuery } from '@marketbill/platform';
import { IdempotencyError } from '../domain/ordering-errors';
import { sessionLiveCondition } from './session-repository';
import { deleteCounting, qualifiedTable, schemaOf, table } from './sql';

export interface StoredIdempotency {
  requestHash: string;
  statusCode: number | null;
  response: unknown;
  createdAt: Date;
}

/** A claim this request holds: its token proves it is still ours when the answer is stored. */
export interface IdempotencyClaim {
  token: string;
}

/** A session to check in the claim's statement: the refresh-token family an access token names, and now. */
export interface SessionToCheck {
  sessionId: string;
  at: Date;
}

/**
 * Claims `(account, key)` for a request of the process `owner`. Answers the claim when this call
 * took it, else the row already there: a finished request (status and response stored) or one
 * still in flight. With `session`, the same statement first checks that the account's session is
 * live (see isSessionLive) and claims only then: `{ sessionRevoked: true }` when it is not, and
 * nothing is claimed — one round trip instead of two for the edge's idempotent POSTs.
 */
export async function claimIdempotencyKey(
  em: EntityManager,
  accountId: string,
  key: string,
  requestHash: string,
  owner: number,
  session?: SessionToCheck,
): Promise<IdempotencyClaim | StoredIdempotency | { sessionRevoked: true }> {
  // Every idempotent POST starts here: a prepared statement (parsed and planned once per
  // connection), not a query with its values inlined by the ORM (bench/ordering).
  const schema = schemaOf(em);
  const token = randomUUID();
  if (session) {
    const [row] = await preparedQuery<{ live: boolean; claimed: boolean }>(em, claimInSessionSql(schema), [accountId, key, requestHash, owner, token, session.sessionId, session.at]);
    if (!row?.live) return { sessionRevoked: true };
    if (row.claimed) return { token };
  } else {
    const claimed = await preparedQuery<{ ok: number }>(em, claimSql(schema), [accountId, key, requestHash, owner, token]);
    if (claimed.length > 0) return { token };
  }
  const rows = await preparedQuery<{ request_hash: string; status_code: number | null; response: unknown; created_at: Date }>(em, storedSql(schema), [accountId, key]);
  const row = rows[0];
  if (!row) return claimIdempotencyKey(em, accountId, key, requestHash, owner); // released in between: claim again (the session was live)
  return { requestHash: row.request_hash, statusCode: row.status_code, response: row.response, createdAt: new Date(row.created_at) };
}

/** The claim statement ($1 account, $2 key, $3 request hash, $4 owner, $5 claim token) for a schema. */
export function claimSql(schema: string): string {
  return `insert into ${qualifiedTable(schema, 'idempotency_keys')} (account_id, key, request_hash, owner, claim_token) values ($1::uuid, $2::text, $3::text, $4::int, $5::uuid)
    on conflict do nothing returning 1 as ok`;
}

/** {@link claimSql} that claims only while the session is live ($6 session, $7 now), answering both. */
function claimInSessionSql(schema: string): string {
  return `with session as (select ${sessionLiveCondition(schema, { account: '$1', session: '$6', at: '$7' })} as live),
    claimed as (
      insert into ${qualifiedTable(schema, 'idempotency_keys')} (account_id, key, request_hash, owner, claim_token)
      select $1::uuid, $2::text, $3::text, $4::int, $5::uuid where (select live from session)
      on conflict do nothing returning 1
    )
    select (select live from session) as live, exists (select 1 from claimed) as claimed`;
}

function storedSql(schema: string): string {
  return `select request_hash, status_code, response, created_at from ${qualifiedTable(schema, 'idempotency_keys')} where account_id = $1::uuid and key = $2::text`;
}

/**
 * Takes over a claim whose request cannot finish any more: its owner process is gone (its presence
 * lock was released — within a second of a kill), or, for a claim without an owner or an owner
 * that hangs, it is older than `olderThan`. Answers the new claim, or undefined while the owner
 * lives and the claim is fresh.
 */
export async function takeOverIdempotencyKey(em: EntityManager, accountId: string, key: string, owner: number, olderThan: Date): Promise<IdempotencyClaim | undefined> {
  const token = randomUUID();
  const rows = await em.execute<Array<{ ok: number }>>(
    `update ${table(em, 'idempotency_keys')} set owner = ?, claim_token = ?, created_at = now()
     where account_id = ? and key = ? and status_code is null and (created_at < ? or not ${ownerAliveSql('owner')})
     returning 1 as ok`,
    [owner, token, accountId, key, olderThan],
  );
  return rows.length > 0 ? { token } : undefined;
}

/**
 * Stores the answer; call with the transaction that made the change, so both commit together.
 * Throws (rolling the change back) when the claim was taken over meanwhile: the request that took
 * it runs the change instead, so it happens once.
 */
export async function completeIdempotencyKey(em: EntityManager, accountId: string, key: string, claim: IdempotencyClaim, statusCode: number, response: unknown): Promise<void> {
  const stored = await em.execute<Array<{ ok: number }>>(
    `update ${table(em, 'idempotency_keys')} set status_code = ?, response = ? where account_id = ? and key = ? and claim_token = ? and status_code is null returning 1 as ok`,
    [statusCode, JSON.stringify(response), accountId, key, claim.token],
  );
  if (stored.length === 0) throw IdempotencyError.claimLost();
}

/** Releases a claim whose request failed, so a retry runs again (not one taken over by another request). */
export async function releaseIdempotencyKey(em: EntityManager, accountId: string, key: string, claim: IdempotencyClaim): Promise<void> {
  await em.execute(`delete from ${table(em, 'idempotency_keys')} where account_id = ? and key = ? and claim_token = ? and status_code is null`, [accountId, key, claim.token], 'run');
}

/** The answer to store for a claimed key: what a retry with the same key gets back. */
export interface IdempotentAnswer {
  accountId: string;
  key: string;
  statusCode: number;
  response: unknown;
  /** The claim's token: the answer is stored (and the change made) only while the claim is still this request's. */
  claimToken: string;
}

/**
 * For a change made by ONE statement (no transaction around it): the parts of that statement that
 * hold the claim and store the answer with the change. `claim` (a CTE) locks the key's row while it
 * is still this request's claim — the statement's change must depend on it, so a claim taken over
 * meanwhile (see takeOverIdempotencyKey) makes the whole statement write nothing; `answer` writes
 * the answer only when the statement's CTE `guard` produced a row. Their values are
 * {@link answerValues}, numbered from `$first`.
 */
export function claimCte(table: string, first: number): string {
  const p = (i: number) => `$${first + i}`;
  return `claim as (
      select 1 from ${table} where account_id = ${p(2)}::uuid and key = ${p(3)}::text and claim_token = ${p(4)}::uuid and status_code is null
      for update
    )`;
}

export function answerCte(table: string, guard: string, first: number): string {
  const p = (i: number) => `$${first + i}`;
  return `answer as (
      update ${table} set status_code = ${p(0)}::int, response = ${p(1)}::jsonb
       where account_id = ${p(2)}::uuid and key = ${p(3)}::text and claim_token = ${p(4)}::uuid and exists (select 1 from ${guard})
      returning 1
    )`;
}

/** The values of {@link claimCte} and {@link answerCte}, in their order. */
export function answerValues(answer: IdempotentAnswer): unknown[] {
  return [answer.statusCode, JSON.stringify(answer.response ?? null), answer.accountId, answer.key, answer.claimToken];
}

/** Deletes keys stored before `before` (clients retry within minutes); answers how many. */
export function pruneIdempotencyKeys(em: EntityManager, before: Date): Promise<number> {
  return deleteCounting(em, `delete from ${table(em, 'idempotency_keys')} where created_at < ?`, [before]);
}
