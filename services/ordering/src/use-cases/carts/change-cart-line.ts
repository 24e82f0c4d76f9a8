import { NotFoundError } from '@marketbill/platform';
import { assertRole, type Actor } from '../../domain/actor';
import { changeCartLine as changeLine, type CartLineChange } from '../../domain/cart';
import { assertQuantityWithinLimit } from '../../domain/money-limits';
import type { UseCaseContext } from '../context';
import { cartLines, lockCart, removeCart, removeCartLine as removeCartLineRow } from '../../data-access/cart-repository';
import { cartDetails, type CartDetails } from './cart-details';

/** The retailer's cart at the wholesaler (locked), its lines and the one asked for; 404 when either is missing. */
async function lockCartLine(em: Parameters<typeof lockCart>[0], retailerId: string, wholesalerId: string, lineId: string) {
  const cart = await lockCart(em, retailerId, wholesalerId);
  const lines = cart ? await cartLines(em, cart.id) : [];
  const line = lines.find((l) => l.id === lineId);
  if (!cart || !line) throw NotFoundError.of('cart-line', lineId);
  return { cart, lines, line };
}

/** Changes a cart line's quantity, grade or memo; a grade moved onto an existing line merges the two. */
export async function changeCartLine(ctx: UseCaseContext, actor: Actor, wholesalerId: string, lineId: string, change: CartLineChange): Promise<CartDetails> {
  assertRole(actor, ['RETAILER']);
  return ctx.tx(async (em) => {
    const { cart, lines, line } = await lockCartLine(em, actor.accountId, wholesalerId, lineId);
    const outcome = changeLine(lines, line, change);
    // A merge adds two quantities: the sum is what must stay within the limit.
    assertQuantityWithinLimit(outcome.line.quantity, outcome.line.id);
    const target = lines.find((l) => l.id === outcome.line.id) as (typeof lines)[number];
    if (outcome.kind === 'merged') removeCartLineRow(em, line);
    Object.assign(target, { quantity: outcome.line.quantity, grade: outcome.line.grade, memo: outcome.line.memo });
    cart.updatedAt = ctx.now();
    // The removal must reach the table before the merged line is written (unique variety+grade per cart).
    await em.flush();
    return cartDetails(em, wholesalerId, cart);
  });
}

/** Removes a line; the cart goes when its last line does. */
export async function removeCartLine(ctx: UseCaseContext, actor: Actor, wholesalerId: string, lineId: string): Promise<CartDetails> {
  assertRole(actor, ['RETAILER']);
  return ctx.tx(async (em) => {
    const { cart, lines, line } = await lockCartLine(em, actor.accountId, wholesalerId, lineId);
    removeCartLineRow(em, line);
    if (lines.length === 1) {
      removeCart(em, cart);
      await em.flush();
      return cartDetails(em, wholesalerId, null);
    }
    cart.updatedAt = ctx.now();
    await em.flush();
    return cartDetails(em, wholesalerId, cart);
  });
}
