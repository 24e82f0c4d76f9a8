import { TooManyRequestsError, ValidationError } from '@marketbill/platform';
import { clearRateLimit, hitRateLimit, peekRateLimit } from '../../data-access/repositories/rate-limit-repository';
import { AccountSchema } from '../../data-access/entities';
import { verifyPassword } from '../../domain/credentials';
import { AuthError } from '../../domain/ordering-errors';
import { normalisePhone } from '../../domain/phone';
import type { UseCaseContext } from '../context';
import { issueSession, type Session } from './issue-session';
import { enforceRateLimit } from './rate-limit';

// Compared against when the phone is unknown, so both answers take as long (no timing oracle).
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * Signs in by phone and password. Two limits, both in Postgres so they hold across replicas:
 * every attempt counts per client address; failed attempts count per phone (a locked-out phone
 * answers 429 until its window ends, even with the right password). Success clears the phone's count.
 */
export async function signIn(ctx: UseCaseContext, input: { phone: string; password: string }): Promise<Session> {
  const phone = normalisePhone(input.phone);
  if (!phone) throw ValidationError.field('phone', 'Not a Korean mobile number (01X-XXXX-XXXX).');
  const limits = ctx.settings.rateLimits;
  if (ctx.clientIp) await enforceRateLimit(ctx, 'too-many-sign-in-attempts', `sign-in:ip:${ctx.clientIp}`, limits.signInPerIp, limits.signInWindowSeconds);
  const phoneKey = `sign-in:phone:${phone}`;
  const failures = await peekRateLimit(ctx.em, phoneKey, limits.signInWindowSeconds, ctx.now());
  if (failures.hits >= limits.signInPerPhone) throw TooManyRequestsError.rateLimited('too-many-sign-in-attempts', failures.resetsInSeconds);

  const account = await ctx.em.findOne(AccountSchema, { phone });
  const ok = await verifyPassword(input.password, account?.passwordHash ?? DUMMY_HASH);
  if (!account || !ok) {
    await hitRateLimit(ctx.em, phoneKey, limits.signInWindowSeconds, ctx.now());
    throw AuthError.badCredentials();
  }
  if (account.disabledAt) throw AuthError.accountDisabled();
  await clearRateLimit(ctx.em, phoneKey);
  return ctx.tx(async (em) => issueSession(ctx, em, account));
}
