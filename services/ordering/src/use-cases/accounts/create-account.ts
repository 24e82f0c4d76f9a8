import { randomUUID } from 'node:crypto';
import { ValidationError, type Role } from '@marketbill/platform';
import { addAccount, isPhoneTaken } from '../../data-access/account-repository';
import type { Account } from '../../data-access/entities';
import { hashPassword } from '../../domain/credentials';
import { AccountError, PolicyError } from '../../domain/ordering-errors';
import { passwordProblems } from '../../domain/password-policy';
import { normalisePhone } from '../../domain/phone';
import type { UseCaseContext } from '../context';

/**
 * Creates an account without SMS verification: for operators (ADMIN accounts, demo data), never
 * reachable from the public API. Staff name the owner they belong to.
 */
export async function createAccount(ctx: UseCaseContext, input: { phone: string; name: string; password: string; role: Role; ownerId?: string }): Promise<Account> {
  const phone = normalisePhone(input.phone);
  if (!phone) throw ValidationError.field('phone', 'Not a Korean mobile number (01X-XXXX-XXXX).');
  const problems = passwordProblems(input.password, phone);
  if (problems.length > 0) throw PolicyError.weakPassword(problems);
  if (await isPhoneTaken(ctx.em, phone)) throw AccountError.phoneTaken();
  const passwordHash = await hashPassword(input.password, ctx.settings.auth.scryptCost);
  if (input.role === 'WHOLESALER_STAFF' && !input.ownerId) throw ValidationError.field('ownerId', 'Staff belong to an owner.');
  return ctx.tx(async (em) =>
    addAccount(
      em,
      { id: randomUUID(), phone, name: input.name, role: input.role, passwordHash, ownerId: input.ownerId ?? null, cutoffTime: ctx.settings.cutoff.defaultTime },
      ctx.now(),
    ),
  );
}
