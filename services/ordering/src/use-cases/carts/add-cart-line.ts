import { randomUUID } from 'node:crypto';
import { addCartLine as addCartLineRow, cartLines, lockOrCreateCart } from '../../data-access/cart-repository';
import { varietiesById } from '../../data-access/catalog-repository';
import { assertRole, type Actor } from '../../domain/actor';
import { addCartLine as addLine } from '../../domain/cart';
import type { BuyerGrade } from '../../domain/grade';
import { assertQuantityWithinLimit } from '../../domain/money-limits';
import { CartError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';
import { assertConfirmedConnection } from '../connections/assert-confirmed-connection';
import { cartDetails, type CartDetails } from './cart-details';

/**
 * Puts a variety+grade in the retailer's cart at a wholesaler (the cart is made on first use).
 * The same variety+grade again replaces the quantity. The variety must be known to the catalog
 * read model; the connection must be CONFIRMED.
 */
export async function addCartLine(
  ctx: UseCaseContext,
  actor: Actor,
  wholesalerId: string,
  input: { varietyId: string; grade: BuyerGrade; quantity: number; memo?: string | null | undefined },
): Promise<CartDetails> {
  assertRole(actor, ['RETAILER']);
  return ctx.tx(async (em) => {
    await assertConfirmedConnection(em, actor.accountId, wholesalerId);
    if (!(await varietiesById(em, [input.varietyId])).has(input.varietyId)) throw CartError.unknownVariety(input.varietyId);
    const now = ctx.now();
    const cart = await lockOrCreateCart(em, actor.accountId, wholesalerId, now);
    const lines = await cartLines(em, cart.id);
    const outcome = addLine(lines, { varietyId: input.varietyId, grade: input.grade, quantity: input.quantity, memo: input.memo }, randomUUID());
    assertQuantityWithinLimit(outcome.line.quantity);
    if (outcome.kind === 'added') {
      addCartLineRow(em, { ...outcome.line, cartId: cart.id, createdAt: now });
    } else {
      Object.assign(lines.find((l) => l.id === outcome.line.id) as object, { quantity: outcome.line.quantity, memo: outcome.line.memo });
    }
    cart.updatedAt = now;
    await em.flush();
    return cartDetails(em, wholesalerId, cart);
  });
}
