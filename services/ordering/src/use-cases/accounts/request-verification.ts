import { randomUUID } from 'node:crypto';
import { publish } from '../../topics';
import { ValidationError } from '@marketbill/platform';
import { sealedFieldContext } from '@marketbill/schemas';
import { hitRateLimit } from '../../data-access/rate-limit-repository';
import { findAccountByPhone } from '../../data-access/account-repository';
import { addVerification } from '../../data-access/verification-repository';
import { generateCode, hashCode } from '../../domain/credentials';
import { normalisePhone } from '../../domain/phone';
import type { UseCaseContext } from '../context';
import { enforceRateLimit } from './rate-limit';

export type VerificationPurpose = 'SIGN_UP' | 'PASSWORD_RESET' | 'SIGN_IN';

const DAY_SECONDS = 86_400;
const HOUR_SECONDS = 3_600;

/**
 * Sends a six-digit code to a phone (through the notifier, by the `account.verification.requested`
 * event, code and phone sealed). The answer is the same whether or not the number has an account,
 * so this endpoint tells nobody who is registered:
 * - SIGN_UP for a registered number sends its owner a notice ("someone tried to sign up with your
 *   number") instead of a code — at most a few per day;
 * - PASSWORD_RESET and SIGN_IN for an unknown number send nothing.
 * Limits, all in Postgres so every replica shares them: per client address and per phone (short
 * windows), per phone per day, and a global budget per hour across all numbers and addresses — the
 * SMS bill no single address, phone or botnet can run up. Every accepted request counts against the
 * budget, SMS or not, so the budget cannot reveal who is registered either.
 */
export async function requestVerification(ctx: UseCaseContext, input: { phone: string; purpose: VerificationPurpose }): Promise<{ verificationId: string; expiresAt: Date }> {
  const phone = normalisePhone(input.phone);
  if (!phone) throw ValidationError.field('phone', 'Not a Korean mobile number (01X-XXXX-XXXX).');
  const limits = ctx.settings.rateLimits;
  if (ctx.clientIp) await enforceRateLimit(ctx, 'too-many-code-requests', `code:ip:${ctx.clientIp}`, limits.codePerIp, limits.codeWindowSeconds);
  await enforceRateLimit(ctx, 'too-many-code-requests', `code:phone:${phone}`, limits.codePerPhone, limits.codeWindowSeconds);
  await enforceRateLimit(ctx, 'too-many-code-requests', `code:phone-day:${phone}`, limits.codePerPhonePerDay, DAY_SECONDS);
  await enforceRateLimit(ctx, 'sms-budget-exhausted', 'code:budget', limits.smsBudgetPerHour, HOUR_SECONDS);

  const now = ctx.now();
  const verificationId = randomUUID();
  const expiresAt = new Date(now.getTime() + ctx.settings.auth.verificationTtlSeconds * 1000);
  const answer = { verificationId, expiresAt };
  const account = await findAccountByPhone(ctx.em, phone);
  const sealedPhone = ctx.settings.sealer.seal(phone, sealedFieldContext.verificationPhone(verificationId));
  const event = { eventId: randomUUID(), occurredAt: now.getTime(), verificationId, phone: null, sealedPhone, purpose: input.purpose, expiresAt: expiresAt.getTime() };

  if (input.purpose === 'SIGN_UP' && account) {
    // No verification row: whatever code the requester tries next fails like a wrong one.
    const notices = await hitRateLimit(ctx.em, `notice:phone-day:${phone}`, DAY_SECONDS, now);
    if (notices.hits > limits.noticesPerPhonePerDay) return answer;
    await ctx.tx(async (em) => publish(em, 'account.verification.requested', verificationId, { ...event, code: null, sealedCode: null, notice: 'ALREADY_REGISTERED' }));
    return answer;
  }
  if (input.purpose !== 'SIGN_UP' && !account) return answer;

  const code = generateCode();
  await ctx.tx(async (em) => {
    addVerification(em, {
      id: verificationId,
      phone,
      purpose: input.purpose,
      codeHash: hashCode(ctx.settings.auth.accessTokenSecret, verificationId, code),
      expiresAt,
      attempts: 0,
      consumedAt: null,
      createdAt: now,
    });
    // The code and the phone are sealed for the notifier: readers of the topic see neither.
    publish(em, 'account.verification.requested', verificationId, {
      ...event,
      code: null,
      sealedCode: ctx.settings.sealer.seal(code, sealedFieldContext.verificationCode(verificationId)),
      notice: 'CODE',
    });
  });
  return answer;
}
