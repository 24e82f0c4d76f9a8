import { randomUUID } from 'node:crypto';
import { publish } from '@marketbill/messaging';
import { sealedFieldContext } from '@marketbill/schemas';
import { ValidationError } from '@marketbill/platform';
import { AccountSchema, VerificationSchema } from '../../data-access/entities';
import { generateCode, hashCode } from '../../domain/credentials';
import { AccountError } from '../../domain/ordering-errors';
import { normalisePhone } from '../../domain/phone';
import type { UseCaseContext } from '../context';
import { enforceRateLimit } from './rate-limit';

export type VerificationPurpose = 'SIGN_UP' | 'PASSWORD_RESET';

/**
 * Sends a six-digit code to a phone (through the notifier, by the `account.verification.requested`
 * event). Rate-limited per phone and per client address. For a password reset of an unknown phone
 * it answers exactly as for a known one and sends nothing: no account enumeration there. (Sign-up
 * says "already registered" at once: the sign-up form has to say it anyway.)
 */
export async function requestVerification(ctx: UseCaseContext, input: { phone: string; purpose: VerificationPurpose }): Promise<{ verificationId: string; expiresAt: Date }> {
  const phone = normalisePhone(input.phone);
  if (!phone) throw ValidationError.field('phone', 'Not a Korean mobile number (01X-XXXX-XXXX).');
  const limits = ctx.settings.rateLimits;
  if (ctx.clientIp) await enforceRateLimit(ctx, 'too-many-code-requests', `code:ip:${ctx.clientIp}`, limits.codePerIp, limits.codeWindowSeconds);
  await enforceRateLimit(ctx, 'too-many-code-requests', `code:phone:${phone}`, limits.codePerPhone, limits.codeWindowSeconds);

  const now = ctx.now();
  const verificationId = randomUUID();
  const expiresAt = new Date(now.getTime() + ctx.settings.auth.verificationTtlSeconds * 1000);
  const account = await ctx.em.findOne(AccountSchema, { phone });
  if (input.purpose === 'SIGN_UP' && account) throw AccountError.phoneTaken();
  if (input.purpose === 'PASSWORD_RESET' && !account) return { verificationId, expiresAt };

  const code = generateCode();
  await ctx.tx(async (em) => {
    em.persist(
      em.create(VerificationSchema, {
        id: verificationId,
        phone,
        purpose: input.purpose,
        codeHash: hashCode(ctx.settings.auth.accessTokenSecret, verificationId, code),
        expiresAt,
        attempts: 0,
        consumedAt: null,
        createdAt: now,
      }),
    );
    publish(em, 'account.verification.requested', verificationId, {
      eventId: randomUUID(),
      occurredAt: now.getTime(),
      verificationId,
      // The code and the phone are sealed for the notifier: readers of the topic see neither.
      phone: null,
      sealedPhone: ctx.settings.sealer.seal(phone, sealedFieldContext.verificationPhone(verificationId)),
      code: null,
      sealedCode: ctx.settings.sealer.seal(code, sealedFieldContext.verificationCode(verificationId)),
      purpose: input.purpose,
      expiresAt: expiresAt.getTime(),
    });
  });
  return { verificationId, expiresAt };
}
