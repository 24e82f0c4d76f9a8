import { findAccount } from '../../data-access/account-repository';
import { lockRefreshToken, revokeSessionFamily } from '../../data-access/session-repository';
import { digest } from '../../domain/credentials';
import { AuthError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';
import { issueSession, type Session } from './issue-session';

/**
 * Rotates a refresh token: the presented one is spent and a new one of the same family is issued.
 * Presenting a spent token again means it was copied (the thief or the victim is replaying it), so
 * the whole family is revoked: both lose the session and must sign in. The revocation commits even
 * though the call answers 401.
 */
export async function refreshSession(ctx: UseCaseContext, input: { refreshToken: string }): Promise<Session> {
  const outcome = await ctx.tx(async (em) => {
    const now = ctx.now();
    const token = await lockRefreshToken(em, digest(input.refreshToken));
    if (!token || token.revokedAt || token.expiresAt <= now) return { kind: 'invalid' as const };
    if (token.usedAt) {
      await revokeSessionFamily(em, token.familyId, now);
      ctx.logger.warn({ accountId: token.accountId, familyId: token.familyId }, 'refresh token reused; family revoked');
      return { kind: 'invalid' as const };
    }
    const account = await findAccount(em, token.accountId);
    if (!account || account.disabledAt) {
      await revokeSessionFamily(em, token.familyId, now);
      return { kind: 'disabled' as const };
    }
    token.usedAt = now;
    return { kind: 'ok' as const, session: issueSession(ctx, em, account, { id: token.familyId, expiresAt: token.expiresAt }) };
  });
  if (outcome.kind === 'disabled') throw AuthError.accountDisabled();
  if (outcome.kind === 'invalid') throw AuthError.invalidRefreshToken();
  return outcome.session;
}
