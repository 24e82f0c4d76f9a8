import { getAccount } from '../../data-access/account-repository';
import type { Account, RetailerProfile } from '../../data-access/entities';
import { findRetailerProfile } from '../../data-access/retailer-repository';
import { assertRole, type Actor } from '../../domain/actor';
import type { UseCaseContext } from '../context';

export type { RetailerProfile };

/** The calling retailer's account and business profile (null until it saves one). */
export async function getOwnRetailer(ctx: UseCaseContext, actor: Actor): Promise<{ account: Account; profile: RetailerProfile | null }> {
  assertRole(actor, ['RETAILER']);
  const [account, profile] = await Promise.all([
    getAccount(ctx.em, actor.accountId),
    findRetailerProfile(ctx.em, actor.accountId),
  ]);
  return { account, profile };
}
