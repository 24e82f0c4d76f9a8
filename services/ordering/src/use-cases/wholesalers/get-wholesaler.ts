import { NotFoundError } from '@marketbill/platform';
import { findOwner } from '../../data-access/account-repository';
import { hasConfirmedConnection } from '../../data-access/connection-repository';
import type { Account, Wholesaler } from '../../data-access/entities';
import { findWholesaler as findWholesalerRow } from '../../data-access/wholesaler-repository';
import { actingWholesaler, type Actor } from '../../domain/actor';
import type { UseCaseContext } from '../context';

/**
 * How much of a business profile the caller sees. FULL: everything, including the business
 * registration number, the representative's name, the bank account and the seal — for the
 * wholesaler's own owner and staff, ADMIN, and retailers with a CONFIRMED connection (they pay into
 * that account, and their statements print those fields anyway). SHOP: the shop's public face
 * (상호, address, shop phone, 업태/종목) for everyone else signed in — applicants, other retailers,
 * competing wholesalers.
 */
export type ProfileView = 'FULL' | 'SHOP';

export interface WholesalerDetails {
  wholesaler: Wholesaler;
  owner: Account;
  view: ProfileView;
}

/** The caller's own wholesaler (owner and staff), profile included. */
export async function getOwnWholesaler(ctx: UseCaseContext, actor: Actor): Promise<WholesalerDetails> {
  const wholesalerId = actingWholesaler(actor);
  return { ...(await findWholesaler(ctx, wholesalerId)), view: 'FULL' };
}

/** Any wholesaler by id, with as much of its business profile as the caller may see. */
export async function getWholesaler(ctx: UseCaseContext, actor: Actor, wholesalerId: string): Promise<WholesalerDetails> {
  const found = await findWholesaler(ctx, wholesalerId);
  return { ...found, view: await profileViewOf(ctx, actor, wholesalerId) };
}

async function findWholesaler(ctx: UseCaseContext, wholesalerId: string): Promise<{ wholesaler: Wholesaler; owner: Account }> {
  const [wholesaler, owner] = await Promise.all([
    findWholesalerRow(ctx.em, wholesalerId),
    findOwner(ctx.em, wholesalerId),
  ]);
  if (!wholesaler || !owner || owner.disabledAt) throw NotFoundError.of('wholesaler', wholesalerId);
  return { wholesaler, owner };
}

async function profileViewOf(ctx: UseCaseContext, actor: Actor, wholesalerId: string): Promise<ProfileView> {
  if (actor.role === 'ADMIN' || actor.wholesalerId === wholesalerId) return 'FULL';
  if (actor.role !== 'RETAILER') return 'SHOP';
  return (await hasConfirmedConnection(ctx.em, actor.accountId, wholesalerId)) ? 'FULL' : 'SHOP';
}
