import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RefreshTokenSchema, type RefreshToken } from './entities';
import { preparedQuery } from '@marketbill/platform';
import { deleteCounting, qualifiedTable, schemaOf, table } from './sql';

// Sessions are refresh-token families: a sign-in starts one, each rotation adds a token to it, and
// revoking the family ends the session (and the access tokens that name it).

/** Stores a refresh token (its digest), persisted when the caller's transaction flushes. */
export function addRefreshToken(em: EntityManager, token: RefreshToken): void {
  em.persist(em.create(RefreshTokenSchema, token));
}

/** The refresh token with this digest, row-locked until the transaction ends. */
export function lockRefreshToken(em: EntityManager, tokenHash: string): Promise<RefreshToken | null> {
  return em.findOne(RefreshTokenSchema, { tokenHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

export function findRefreshToken(em: EntityManager, tokenHash: string): Promise<RefreshToken | null> {
  return em.findOne(RefreshTokenSchema, { tokenHash });
}

/** Revokes a session: every live token of the family. */
export async function revokeSessionFamily(em: EntityManager, familyId: string, now: Date): Promise<void> {
  await em.nativeUpdate(RefreshTokenSchema, { familyId, revokedAt: null }, { revokedAt: now });
}

/** Revokes every live session of an account (password change or reset, disabling). */
export async function revokeAccountSessions(em: EntityManager, accountId: string, now: Date): Promise<void> {
  await em.nativeUpdate(RefreshTokenSchema, { accountId, revokedAt: null }, { revokedAt: now });
}

/**
 * Whether a session (a refresh-token family) can still act: its account exists and is not
 * disabled, and the family has a token that is neither revoked nor expired. Sign-out, reuse of a
 * spent token, a password change or reset, and disabling the account all revoke families, so this
 * one indexed lookup answers for all of them.
 */
export async function isSessionLive(em: EntityManager, accountId: string, sessionId: string, now: Date): Promise<boolean> {
  // Asked on every authenticated request the cache does not answer: a prepared statement, planned
  // once per connection (bench/ordering).
  const rows = await preparedQuery<{ live: number }>(em, sessionLiveSql(schemaOf(em)), [accountId, sessionId, now]);
  return rows.length > 0;
}

/** The session check ($1 account, $2 session = refresh-token family, $3 now) for a schema. */
export function sessionLiveSql(schema: string): string {
  return `select 1 as live where ${sessionLiveCondition(schema, { account: '$1', session: '$2', at: '$3' })}`;
}

/**
 * The session check as a condition over three placeholders (account, session, now): for a
 * statement that checks the session on the way (see claimIdempotencyKey).
 */
export function sessionLiveCondition(schema: string, p: { account: string; session: string; at: string }): string {
  return `exists (select 1 from ${qualifiedTable(schema, 'accounts')} a
      where a.id = ${p.account}::uuid and a.disabled_at is null
        and exists (select 1 from ${qualifiedTable(schema, 'refresh_tokens')} t
                     where t.family_id = ${p.session}::uuid and t.account_id = a.id and t.revoked_at is null and t.expires_at > ${p.at}::timestamptz))`;
}

/** Deletes refresh tokens revoked (or, never revoked, expired) before `before`; answers how many. */
export function pruneRefreshTokens(em: EntityManager, before: Date): Promise<number> {
  return deleteCounting(em, `delete from ${table(em, 'refresh_tokens')} where coalesce(revoked_at, expires_at) < ?`, [before]);
}
