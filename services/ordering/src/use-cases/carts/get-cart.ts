import { findCart, listCartsOf } from '../../data-access/cart-repository';
import { assertRole, type Actor } from '../../domain/actor';
import type { UseCaseContext } from '../context';
import { cartDetails, type CartDetails } from './cart-details';

/** The retailer's open cart at one wholesaler (empty when there is none). */
export async function getCart(ctx: UseCaseContext, actor: Actor, wholesalerId: string): Promise<CartDetails> {
  assertRole(actor, ['RETAILER']);
  const cart = await findCart(ctx.em, actor.accountId, wholesalerId);
  return cartDetails(ctx.em, wholesalerId, cart);
}

/** Every open cart of the retailer (one per wholesaler). */
export async function listCarts(ctx: UseCaseContext, actor: Actor): Promise<CartDetails[]> {
  assertRole(actor, ['RETAILER']);
  const carts = await listCartsOf(ctx.em, actor.accountId);
  return Promise.all(carts.map((cart) => cartDetails(ctx.em, cart.wholesalerId, cart)));
}
