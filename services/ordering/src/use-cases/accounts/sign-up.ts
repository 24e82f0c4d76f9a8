import { randomUUID } from 'node:crypto';
import { ValidationError } from '@marketbill/platform';
import { addAccount, findAccount, isPhoneTaken } from '../../data-access/account-repository';
import type { Account } from '../../data-access/entities';
import { findStaffInvitation } from '../../data-access/wholesaler-repository';
import type { SignUpRole } from '../../domain/actor';
import { digest, hashPassword, normaliseInvitationCode } from '../../domain/credentials';
import { AccountError, PolicyError, VerificationError } from '../../domain/ordering-errors';
import { passwordProblems } from '../../domain/password-policy';
import { normalisePhone } from '../../domain/phone';
import type { UseCaseContext } from '../context';
import { consumeVerification } from './consume-verification';
import { issueSession, type Session } from './issue-session';

export interface SignUpInput {
  verificationId: string;
  code: string;
  phone: string;
  name: string;
  password: string;
  role: SignUpRole;
  /** Required for WHOLESALER_STAFF: the code the owner created. */
  invitationCode?: string | undefined;
}

/**
 * Creates an account whose phone was just verified by SMS code, and signs it in. An owner gets
 * its wholesaler (settings now, the business profile later); staff join the owner whose
 * invitation code they give. Everything that can be checked without the code is checked first,
 * so a typo in the password does not burn the verification — except whether the number is taken,
 * which only someone holding a valid code may learn.
 */
export async function signUp(ctx: UseCaseContext, input: SignUpInput): Promise<{ account: Account; session: Session }> {
  const phone = normalisePhone(input.phone);
  if (!phone) throw ValidationError.field('phone', 'Not a Korean mobile number (01X-XXXX-XXXX).');
  const problems = passwordProblems(input.password, phone);
  if (problems.length > 0) throw PolicyError.weakPassword(problems);
  const name = input.name.trim();
  if (name.length === 0) throw ValidationError.field('name', 'The name must not be empty.');
  const invitationHash = input.role === 'WHOLESALER_STAFF' ? digest(normaliseInvitationCode(input.invitationCode ?? '')) : undefined;
  if (input.role === 'WHOLESALER_STAFF') {
    if (!input.invitationCode) throw AccountError.invitationRequired();
    await usableInvitation(ctx, ctx.em, invitationHash as string);
  }
  // The code first: only the number's holder learns that it has an account (a registered number is
  // sent a notice, never a code, so a stranger's sign-up fails here like a wrong code).
  const verified = await consumeVerification(ctx, { verificationId: input.verificationId, code: input.code, phone, purpose: 'SIGN_UP' });
  if (await isPhoneTaken(ctx.em, phone)) throw AccountError.phoneTaken();
  if (verified === 'used-before') throw VerificationError.invalid();
  const passwordHash = await hashPassword(input.password, ctx.settings.auth.scryptCost);

  // A number taken by a sign-up racing this one is refused by addAccount (phone-taken).
  return ctx.tx(async (em) => {
    const now = ctx.now();
    const id = randomUUID();
    let ownerId: string | null = null;
    if (input.role === 'WHOLESALER_STAFF') {
      const invitation = await usableInvitation(ctx, em, invitationHash as string, true);
      invitation.usedBy = id;
      invitation.usedAt = now;
      ownerId = invitation.wholesalerId;
    }
    const account = await addAccount(em, { id, phone, name, role: input.role, passwordHash, ownerId, cutoffTime: ctx.settings.cutoff.defaultTime }, now);
    const session = issueSession(ctx, em, account);
    return { account, session };
  });
}

async function usableInvitation(ctx: UseCaseContext, em: UseCaseContext['em'], codeHash: string, lock = false) {
  const invitation = await findStaffInvitation(em, codeHash, { lock });
  if (!invitation || invitation.usedAt || invitation.expiresAt <= ctx.now()) throw AccountError.invitationInvalid();
  const owner = await findAccount(em, invitation.wholesalerId);
  if (!owner || owner.disabledAt) throw AccountError.invitationInvalid();
  return invitation;
}
