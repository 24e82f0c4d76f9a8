import { randomUUID } from 'node:crypto';
import { ValidationError, type Role } from '@marketbill/platform';
import { AccountSchema, WholesalerSchema, type Account } from '../../data-access/entities';
import { hashPassword } from '../../domain/credentials';
import { AccountError, PolicyError } from '../../domain/ordering-errors';
import { passwordProblems } from '../../domain/password-policy';
import { normalisePhone } from '../../domain/phone';
import type { UseCaseContext } from '../context';
import { newWholesaler } from './sign-up';

/**
 * Creates an account without SMS verification: for operators (ADMIN accounts, demo data), never
 * reachable from the public API. Staff name the owner they belong to.
 */
export async function createAccount(ctx: UseCaseContext, input: { phone: string; name: string; password: string; role: Role; ownerId?: string }): Promise<Account> {
  const phone = normalisePhone(input.phone);
  if (!phone) throw ValidationError.field('phone', 'Not a Korean mobile number (01X-XXXX-XXXX).');
  const problems = passwordProblems(input.password, phone);
  if (problems.length > 0) throw PolicyError.weakPassword(problems);
  if (await ctx.em.count(AccountSchema, { phone })) throw AccountError.phoneTaken();
  const passwordHash = await hashPassword(input.password, ctx.settings.auth.scryptCost);
  return ctx.tx(async (em) => {
    const now = ctx.now();
    const id = randomUUID();
    let wholesalerId: string | null = null;
    if (input.role === 'WHOLESALER_OWNER') {
      wholesalerId = id;
      em.persist(em.create(WholesalerSchema, newWholesaler(id, ctx.settings.cutoff.defaultTime, now)));
    } else if (input.role === 'WHOLESALER_STAFF') {
      if (!input.ownerId) throw ValidationError.field('ownerId', 'Staff belong to an owner.');
      wholesalerId = input.ownerId;
    }
    const account = em.create(AccountSchema, { id, phone, name: input.name, role: input.role, passwordHash, wholesalerId, disabledAt: null, createdAt: now, updatedAt: now });
    em.persist(account);
    return account;
  });
}
