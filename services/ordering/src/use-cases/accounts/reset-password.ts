import { ValidationError } from '@marketbill/platform';
import { findAccountByPhone, setPasswordHash } from '../../data-access/account-repository';
import { hashPassword } from '../../domain/credentials';
import { PolicyError, VerificationError } from '../../domain/ordering-errors';
import { passwordProblems } from '../../domain/password-policy';
import { normalisePhone } from '../../domain/phone';
import type { UseCaseContext } from '../context';
import { consumeVerification } from './consume-verification';
import { revokeAllSessions } from './issue-session';

/** Sets a new password after an SMS code proved the phone, and signs every session out. */
export async function resetPassword(ctx: UseCaseContext, input: { verificationId: string; code: string; phone: string; newPassword: string }): Promise<void> {
  const phone = normalisePhone(input.phone);
  if (!phone) throw ValidationError.field('phone', 'Not a Korean mobile number (01X-XXXX-XXXX).');
  const problems = passwordProblems(input.newPassword, phone);
  if (problems.length > 0) throw PolicyError.weakPassword(problems);
  // A code works once: a used one is refused even with the right digits.
  if ((await consumeVerification(ctx, { verificationId: input.verificationId, code: input.code, phone, purpose: 'PASSWORD_RESET' })) !== 'consumed') throw VerificationError.invalid();
  const account = await findAccountByPhone(ctx.em, phone);
  if (!account) throw VerificationError.invalid();
  const passwordHash = await hashPassword(input.newPassword, ctx.settings.auth.scryptCost);
  await ctx.tx(async (em) => {
    const now = ctx.now();
    await setPasswordHash(em, account.id, passwordHash, now);
    await revokeAllSessions(em, account.id, now);
  });
}
