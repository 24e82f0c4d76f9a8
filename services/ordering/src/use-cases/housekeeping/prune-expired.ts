import { pruneIdempotencyKeys } from '../../data-access/idempotency-repository';
import { pruneRateLimits } from '../../data-access/rate-limit-repository';
import { pruneRefreshTokens } from '../../data-access/session-repository';
import { pruneSignInAddresses } from '../../data-access/sign-in-failure-repository';
import { pruneVerifications } from '../../data-access/verification-repository';
import { pruneStaffInvitations } from '../../data-access/wholesaler-repository';
import type { UseCaseContext } from '../context';

/**
 * Deletes what has stopped mattering: idempotency keys after a day (clients retry within minutes),
 * rate-limit windows that ended, sign-in addresses neither failed nor used within their memory, verifications a day after they expired, refresh tokens a week
 * after they expired or were revoked, invitations a week after they expired. Answers the counts.
 */
export async function pruneExpired(ctx: UseCaseContext): Promise<Record<string, number>> {
  const now = ctx.now().getTime();
  const day = 86_400_000;
  const limits = ctx.settings.rateLimits;
  const addressMemoryMs = Math.max(limits.signInFailureMemorySeconds, limits.knownAddressDays * 86_400) * 1000;
  const em = ctx.em;
  return {
    idempotencyKeys: await pruneIdempotencyKeys(em, new Date(now - day)),
    rateLimits: await pruneRateLimits(em, new Date(now - day)),
    signInAddresses: await pruneSignInAddresses(em, new Date(now - addressMemoryMs)),
    verifications: await pruneVerifications(em, new Date(now - day)),
    refreshTokens: await pruneRefreshTokens(em, new Date(now - 7 * day)),
    invitations: await pruneStaffInvitations(em, new Date(now - 7 * day)),
  };
}
