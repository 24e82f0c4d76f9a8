import { hitRateLimit, peekRateLimit } from '../../data-access/rate-limit-repository';
import { lockVerification } from '../../data-access/verification-repository';
import { hashCode, sameDigest } from '../../domain/credentials';
import { VerificationError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';
import type { VerificationPurpose } from './request-verification';

const DAY_SECONDS = 86_400;

/**
 * Checks a code and, when right, marks the verification used. Runs in its own transaction and
 * commits either way: a wrong code must count as an attempt even though the caller then fails.
 * After the allowed attempts, or past its expiry, a verification accepts nothing.
 *
 * Wrong codes for a live verification also count per phone per day, across verifications. Past the
 * daily cap a wrong code voids its verification at once (instead of after the allowed attempts), so
 * requesting fresh codes buys a guesser one guess each. The cap is not a lock: whoever holds the
 * number has the right code, and a verification's id goes only to the one who asked for it, so
 * nobody can spoil the owner's own verification. Guesses at an id that is unknown, used or expired
 * cannot succeed and are not counted (counting them would let anyone push a number past the cap).
 */
export async function consumeVerification(
  ctx: UseCaseContext,
  input: { verificationId: string; code: string; phone: string; purpose: VerificationPurpose },
): Promise<'consumed' | 'used-before'> {
  const failuresKey = `code-failures:phone-day:${input.phone}`;
  const capped = (await peekRateLimit(ctx.em, failuresKey, DAY_SECONDS, ctx.now())).hits >= ctx.settings.rateLimits.codeFailuresPerPhonePerDay;
  const maxAttempts = ctx.settings.auth.verificationMaxAttempts;
  const outcome = await ctx.tx(async (em) => {
    const v = await lockVerification(em, input.verificationId);
    // The same right code again for a used verification: a retry by whoever holds the number (whose
    // first answer was lost); the caller may tell it what happened.
    if (v?.consumedAt && v.purpose === input.purpose && v.phone === input.phone && sameDigest(v.codeHash, hashCode(ctx.settings.auth.accessTokenSecret, v.id, input.code))) {
      return 'used-before';
    }
    if (!v || v.purpose !== input.purpose || v.consumedAt || v.expiresAt <= ctx.now() || v.attempts >= maxAttempts) return 'invalid';
    if (v.phone !== input.phone) return 'phone-mismatch';
    if (!sameDigest(v.codeHash, hashCode(ctx.settings.auth.accessTokenSecret, v.id, input.code))) {
      v.attempts = capped ? maxAttempts : v.attempts + 1;
      return 'wrong-code';
    }
    v.consumedAt = ctx.now();
    return 'ok';
  });
  if (outcome === 'wrong-code') await hitRateLimit(ctx.em, failuresKey, DAY_SECONDS, ctx.now());
  if (outcome === 'phone-mismatch') throw VerificationError.phoneMismatch();
  if (outcome === 'used-before') return 'used-before';
  if (outcome !== 'ok') throw VerificationError.invalid();
  return 'consumed';
}
