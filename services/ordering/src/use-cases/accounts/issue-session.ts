import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../../data-access/entities';
import { addRefreshToken, revokeAccountSessions } from '../../data-access/session-repository';
import { signAccessToken } from '../../domain/access-token';
import type { Actor } from '../../domain/actor';
import { digest, generateRefreshToken } from '../../domain/credentials';
import type { UseCaseContext } from '../context';

/** What a client gets at sign-in, sign-up and refresh. */
export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  actor: Actor;
}

export function actorOf(account: Pick<Account, 'id' | 'role' | 'wholesalerId'>): Actor {
  return { accountId: account.id, role: account.role, ...(account.wholesalerId ? { wholesalerId: account.wholesalerId } : {}) };
}

/**
 * Issues an access token and a refresh token. Without `family` a new family starts (a sign-in);
 * with it the new token continues that family and keeps its expiry (a rotation), so a stolen
 * refresh token cannot be rotated forever. Only the token's digest is stored.
 */
export function issueSession(
  ctx: UseCaseContext,
  em: EntityManager,
  account: Pick<Account, 'id' | 'role' | 'wholesalerId'>,
  family?: { id: string; expiresAt: Date },
): Session {
  const now = ctx.now();
  const actor = actorOf(account);
  const familyId = family?.id ?? randomUUID();
  // The access token names its family: revoking the family (sign-out, reuse, password change,
  // disabling) ends the access token too, within the edge's session-check cache time.
  const access = signAccessToken(actor, familyId, ctx.settings.auth.accessTokenSecret, ctx.settings.auth.accessTokenTtlSeconds, now.getTime());
  const refreshToken = generateRefreshToken();
  const expiresAt = family?.expiresAt ?? new Date(now.getTime() + ctx.settings.auth.refreshTokenTtlDays * 86_400_000);
  addRefreshToken(em, { id: randomUUID(), familyId, accountId: account.id, tokenHash: digest(refreshToken), expiresAt, usedAt: null, revokedAt: null, createdAt: now });
  return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, refreshTokenExpiresAt: expiresAt, actor };
}

/** Revokes every live refresh token of an account (password change or reset). */
export async function revokeAllSessions(em: EntityManager, accountId: string, now: Date): Promise<void> {
  await revokeAccountSessions(em, accountId, now);
}
