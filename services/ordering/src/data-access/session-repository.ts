import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RefreshTokenSchema, type RefreshToken } from './entities';
import { deleteCounting, table } from './sql';

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
  const rows = await em.execute<Array<{ live: number }>>(
    `select 1 as live from ${table(em, 'accounts')} a
      where a.id = ? and a.disabled_at is null
        and exists (select 1 from ${table(em, 'refresh_tokens')} t
                     where t.family_id = ? and t.account_id = a.id and t.revoked_at is null and t.expires_at > ?)`,
    [accountId, sessionId, now],
  );
  return rows.length > 0;
}

/** Deletes refresh tokens revoked (or, never revoked, expired) before `before`; answers how many. */
export function pruneRefreshTokens(em: EntityManager, before: Date): Promise<number> {
  return deleteCounting(em, `delete from ${table(em, 'refresh_tokens')} where coalesce(revoked_at, expires_at) < ?`, [before]);
}
