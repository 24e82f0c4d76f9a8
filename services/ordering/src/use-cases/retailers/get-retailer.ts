import { AccountSchema, RetailerProfileSchema, type Account, type RetailerProfile } from '../../data-access/entities';
import { assertRole, type Actor } from '../../domain/actor';
import type { UseCaseContext } from '../context';

/** The calling retailer's account and business profile (null until it saves one). */
export async function getOwnRetailer(ctx: UseCaseContext, actor: Actor): Promise<{ account: Account; profile: RetailerProfile | null }> {
  assertRole(actor, ['RETAILER']);
  const [account, profile] = await Promise.all([
    ctx.em.findOneOrFail(AccountSchema, { id: actor.accountId }),
    ctx.em.findOne(RetailerProfileSchema, { retailerId: actor.accountId }),
  ]);
  return { account, profile };
}
