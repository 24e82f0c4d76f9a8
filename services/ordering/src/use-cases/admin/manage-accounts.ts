import { NotFoundError, type Role } from '@marketbill/platform';
import { findAccount, searchAccounts } from '../../data-access/account-repository';
import type { Account } from '../../data-access/entities';
import { revokeAccountSessions } from '../../data-access/session-repository';
import { assertRole, type Actor } from '../../domain/actor';
import type { Page, PageRequest, UseCaseContext } from '../context';

/** ADMIN: accounts by role and name or phone. */
export async function listAccounts(ctx: UseCaseContext, actor: Actor, query: PageRequest & { role?: Role | undefined; q?: string | undefined }): Promise<Page<Account>> {
  assertRole(actor, ['ADMIN']);
  const [items, total] = await searchAccounts(ctx.em, { role: query.role, q: query.q, limit: query.size, offset: query.page * query.size });
  return { items, page: query.page, size: query.size, total };
}

/**
 * ADMIN: disables or re-enables an account. Disabling revokes its refresh tokens at once (access
 * tokens lapse within their lifetime) and refuses sign-in; data is kept.
 */
export async function setAccountDisabled(ctx: UseCaseContext, actor: Actor, accountId: string, disabled: boolean): Promise<Account> {
  assertRole(actor, ['ADMIN']);
  return ctx.tx(async (em) => {
    const account = await findAccount(em, accountId);
    if (!account) throw NotFoundError.of('account', accountId);
    const now = ctx.now();
    account.disabledAt = disabled ? (account.disabledAt ?? now) : null;
    account.updatedAt = now;
    if (disabled) await revokeAccountSessions(em, accountId, now);
    return account;
  });
}
