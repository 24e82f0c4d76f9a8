import { ValidationError } from '@marketbill/platform';
import { assertRole, type Actor } from '../../domain/actor';
import type { FulfilmentMethod } from '../../domain/order';
import type { UseCaseContext } from '../context';
import { lockCart, lockOrCreateCart, removeCart } from '../../data-access/cart-repository';
import { assertConfirmedConnection } from '../connections/assert-confirmed-connection';
import { cartDetails, type CartDetails } from './cart-details';

/** Sets the cart's memo and how the order will be fulfilled (pickup, or delivery to an address). */
export async function updateCart(
  ctx: UseCaseContext,
  actor: Actor,
  wholesalerId: string,
  input: { memo?: string | null | undefined; fulfilment?: { method: FulfilmentMethod; address?: string | null | undefined } | undefined },
): Promise<CartDetails> {
  assertRole(actor, ['RETAILER']);
  if (input.fulfilment?.method === 'DELIVERY' && !input.fulfilment.address?.trim()) throw ValidationError.field('fulfilment.address', 'Delivery needs an address.');
  return ctx.tx(async (em) => {
    await assertConfirmedConnection(em, actor.accountId, wholesalerId);
    const now = ctx.now();
    const cart = await lockOrCreateCart(em, actor.accountId, wholesalerId, now);
    if (input.memo !== undefined) cart.memo = input.memo;
    if (input.fulfilment) {
      cart.fulfilmentMethod = input.fulfilment.method;
      cart.deliveryAddress = input.fulfilment.method === 'DELIVERY' ? (input.fulfilment.address?.trim() ?? null) : null;
    }
    cart.updatedAt = now;
    await em.flush();
    return cartDetails(em, wholesalerId, cart);
  });
}

/** Throws the cart away. */
export async function discardCart(ctx: UseCaseContext, actor: Actor, wholesalerId: string): Promise<void> {
  assertRole(actor, ['RETAILER']);
  await ctx.tx(async (em) => {
    const cart = await lockCart(em, actor.accountId, wholesalerId);
    if (cart) removeCart(em, cart);
  });
}
