import { TooManyRequestsError, ValidationError } from '@marketbill/platform';
import { clearRateLimit, hitRateLimit, peekRateLimit } from '../../data-access/rate-limit-repository';
import { findSignInAddress, recordSignInFailure, recordSignInSuccess } from '../../data-access/sign-in-failure-repository';
import { findAccountByPhone } from '../../data-access/account-repository';
import { verifyPassword } from '../../domain/credentials';
import { AuthError, VerificationError } from '../../domain/ordering-errors';
import { normalisePhone } from '../../domain/phone';
import { signInDelaySeconds } from '../../domain/sign-in-backoff';
import type { UseCaseContext } from '../context';
import { consumeVerification } from './consume-verification';
import { issueSession, type Session } from './issue-session';
import { enforceRateLimit } from './rate-limit';

// Compared against when the phone is unknown, so both answers take as long (no timing oracle).
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const DAY_SECONDS = 86_400;

export interface SignInInput {
  phone: string;
  password: string;
  /** An SMS code (purpose SIGN_IN), needed only while the phone is under attack (see below). */
  verificationId?: string | undefined;
  code?: string | undefined;
}

/**
 * Signs in by phone and password. Nothing here lets a stranger lock the owner out:
 * - every attempt counts per client address (a coarse flood limit);
 * - failures count per (phone, address): after a few, that address must wait 2, 4, 8 … s after its
 *   last failure before its next attempt is even checked — a guesser slows down exponentially,
 *   while the owner at any other address is untouched;
 * - failures count per phone per day from every address: past the cap a password alone is no
 *   longer enough (429 `sign-in-code-required`), except from an address the phone signed in from
 *   recently; the sign-in must carry an SMS code (purpose SIGN_IN), which only the number's holder
 *   receives. A botnet spreading guesses over many addresses meets that wall; the owner passes it.
 * Unknown phones behave exactly like known ones (failures, delays, the code requirement), so
 * nothing here tells who is registered. Success ends the address's streak and marks it known.
 */
export async function signIn(ctx: UseCaseContext, input: SignInInput): Promise<Session> {
  const phone = normalisePhone(input.phone);
  if (!phone) throw ValidationError.field('phone', 'Not a Korean mobile number (01X-XXXX-XXXX).');
  const limits = ctx.settings.rateLimits;
  const client = ctx.clientIp ?? 'unknown';
  if (ctx.clientIp) await enforceRateLimit(ctx, 'too-many-sign-in-attempts', `sign-in:ip:${ctx.clientIp}`, limits.signInPerIp, limits.signInWindowSeconds);

  const now = ctx.now();
  const address = await findSignInAddress(ctx.em, phone, client, limits.signInFailureMemorySeconds, now);
  const delay = signInDelaySeconds(address.failures, limits.signInFreeFailures, limits.signInMaxDelaySeconds);
  const waitUntil = address.lastFailureAt ? address.lastFailureAt.getTime() + delay * 1000 : 0;
  if (delay > 0 && waitUntil > now.getTime()) {
    throw TooManyRequestsError.rateLimited('too-many-sign-in-attempts', Math.ceil((waitUntil - now.getTime()) / 1000));
  }

  const phoneKey = `sign-in:phone:${phone}`;
  const phoneFailures = await peekRateLimit(ctx.em, phoneKey, DAY_SECONDS, now);
  const known = address.lastSuccessAt !== null && address.lastSuccessAt.getTime() > now.getTime() - limits.knownAddressDays * 86_400_000;
  const codeGiven = input.verificationId !== undefined && input.code !== undefined;
  if (phoneFailures.hits >= limits.signInPerPhone && !known && !codeGiven) {
    throw TooManyRequestsError.rateLimited('sign-in-code-required', phoneFailures.resetsInSeconds);
  }

  const fail = async (): Promise<never> => {
    await recordSignInFailure(ctx.em, phone, client, limits.signInFailureMemorySeconds, ctx.now());
    await hitRateLimit(ctx.em, phoneKey, DAY_SECONDS, ctx.now());
    throw AuthError.badCredentials();
  };
  if (codeGiven) {
    try {
      const verified = await consumeVerification(ctx, { verificationId: input.verificationId as string, code: input.code as string, phone, purpose: 'SIGN_IN' });
      if (verified !== 'consumed') throw VerificationError.invalid();
    } catch (error) {
      await recordSignInFailure(ctx.em, phone, client, limits.signInFailureMemorySeconds, ctx.now());
      throw error;
    }
  }
  const account = await findAccountByPhone(ctx.em, phone);
  const ok = await verifyPassword(input.password, account?.passwordHash ?? DUMMY_HASH);
  if (!account || !ok) return fail();
  if (account.disabledAt) throw AuthError.accountDisabled();
  await recordSignInSuccess(ctx.em, phone, client, ctx.now());
  // The owner got in (with a code if one was needed): the phone is no longer under suspicion.
  await clearRateLimit(ctx.em, phoneKey);
  return ctx.tx(async (em) => issueSession(ctx, em, account));
}
