import { LockMode } from '@mikro-orm/core';
import { VerificationSchema } from '../../data-access/entities';
import { hashCode, sameDigest } from '../../domain/credentials';
import { VerificationError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';
import type { VerificationPurpose } from './request-verification';

/**
 * Checks a code and, when right, marks the verification used. Runs in its own transaction and
 * commits either way: a wrong code must count as an attempt even though the caller then fails.
 * After the allowed attempts, or past its expiry, a verification accepts nothing.
 */
export async function consumeVerification(ctx: UseCaseContext, input: { verificationId: string; code: string; phone: string; purpose: VerificationPurpose }): Promise<void> {
  const outcome = await ctx.tx(async (em) => {
    const v = await em.findOne(VerificationSchema, { id: input.verificationId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!v || v.purpose !== input.purpose || v.consumedAt || v.expiresAt <= ctx.now() || v.attempts >= ctx.settings.auth.verificationMaxAttempts) return 'invalid';
    if (v.phone !== input.phone) return 'phone-mismatch';
    if (!sameDigest(v.codeHash, hashCode(ctx.settings.auth.accessTokenSecret, v.id, input.code))) {
      v.attempts += 1;
      return 'invalid';
    }
    v.consumedAt = ctx.now();
    return 'ok';
  });
  if (outcome === 'phone-mismatch') throw VerificationError.phoneMismatch();
  if (outcome !== 'ok') throw VerificationError.invalid();
}
