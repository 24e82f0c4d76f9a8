import { getAccount, setPasswordHash } from '../../data-access/account-repository';
import type { Actor } from '../../domain/actor';
import { hashPassword, verifyPassword } from '../../domain/credentials';
import { AuthError, PolicyError } from '../../domain/ordering-errors';
import { passwordProblems } from '../../domain/password-policy';
import type { UseCaseContext } from '../context';
import { issueSession, revokeAllSessions, type Session } from './issue-session';

/** Changes the password, signs every other session out, and starts a fresh session for this one. */
export async function changePassword(ctx: UseCaseContext, actor: Actor, input: { currentPassword: string; newPassword: string }): Promise<Session> {
  const account = await getAccount(ctx.em, actor.accountId);
  if (!(await verifyPassword(input.currentPassword, account.passwordHash))) throw AuthError.wrongPassword();
  const problems = passwordProblems(input.newPassword, account.phone);
  if (problems.length > 0) throw PolicyError.weakPassword(problems);
  const passwordHash = await hashPassword(input.newPassword, ctx.settings.auth.scryptCost);
  return ctx.tx(async (em) => {
    const now = ctx.now();
    await setPasswordHash(em, account.id, passwordHash, now);
    await revokeAllSessions(em, account.id, now);
    return issueSession(ctx, em, account);
  });
}
