import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '@marketbill/platform';
import { findAccount, getAccount } from '../../data-access/account-repository';
import type { Account, Wholesaler } from '../../data-access/entities';
import { getWholesaler } from '../../data-access/wholesaler-repository';
import type { Actor } from '../../domain/actor';

export type { Account, Wholesaler };
import type { UseCaseContext } from '../context';

export interface AccountDetails {
  account: Account;
  /** For owners and staff: their wholesaler and its owner's name. */
  wholesaler: { wholesaler: Wholesaler; owner: Account } | null;
}

/** The caller's own account (`GET /v1/me`). */
export async function getMe(ctx: UseCaseContext, actor: Actor): Promise<AccountDetails> {
  return accountDetails(ctx.em, actor.accountId);
}

export async function accountDetails(em: EntityManager, accountId: string): Promise<AccountDetails> {
  const account = await findAccount(em, accountId);
  if (!account) throw NotFoundError.of('account', accountId);
  if (!account.wholesalerId) return { account, wholesaler: null };
  const [wholesaler, owner] = await Promise.all([
    getWholesaler(em, account.wholesalerId),
    account.role === 'WHOLESALER_OWNER' ? Promise.resolve(account) : getAccount(em, account.wholesalerId),
  ]);
  return { account, wholesaler: { wholesaler, owner } };
}
