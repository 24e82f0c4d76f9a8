import { randomUUID } from 'node:crypto';
import { outboxRecord } from '../../topics';
import { seoulDay } from '@marketbill/platform';
import type { OrderLineRow, OrderRow } from '../../data-access/entities';
import { readCartForOrder, writeOrder } from '../../data-access/order-placement-repository';
import { assertOrderWithinLimits } from '../../domain/money-limits';
import type { OrderPlacement } from '../../domain/order';
import { formatOrderNumber } from '../../domain/order-number';
import { CartError, ConnectionError, IdempotencyError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';
import { toEventParty } from '../parties';
import type { OrderDetails } from './order-details';
import { toOrderSnapshot } from './order-snapshot';

/** Reads before giving up on a cart that keeps changing while it is being ordered. */
const MAX_ATTEMPTS = 5;

/**
 * Turns a retailer's open cart at a wholesaler into an order sheet: a unique order number with the
 * Seoul day as prefix, one line per cart line with the unit price empty (or the wholesaler's daily
 * price for that variety, grade and day when one is set), the cart gone, and `order.placed` with
 * the whole sheet. The retailer's "order" button and the cutoff job both come here.
 *
 * Two statements (see order-placement-repository): read the cart and take a number, then write
 * everything at once if the cart is unchanged. A cart changed in between (a line added from another
 * phone) is read again, so the order is always the cart as it was when it was deleted. A refused
 * order takes no number; one lost to such a change leaves a gap, never a duplicate.
 */
export async function placeOrder(ctx: UseCaseContext, input: { retailerId: string; wholesalerId: string; placement: OrderPlacement }): Promise<OrderDetails> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const placedAt = ctx.now();
    const saleDay = seoulDay(placedAt);
    const cart = await readCartForOrder(ctx.em, saleDay, input.retailerId, input.wholesalerId);
    if (!cart || cart.lines.length === 0) throw CartError.empty();
    if (!cart.confirmed) throw ConnectionError.notConfirmed();
    if (cart.sequence === null) throw new Error('order sequence missing for an orderable cart');
    const parties = { retailer: toEventParty(ctx.settings, cart.retailer), wholesaler: toEventParty(ctx.settings, cart.wholesaler) };
    const orderId = randomUUID();
    const lines: OrderLineRow[] = cart.lines.map((item, index) => ({
      id: randomUUID(),
      orderId,
      position: index + 1,
      kind: 'ITEM',
      varietyId: item.varietyId,
      itemName: item.itemName,
      varietyName: item.varietyName,
      grade: item.grade,
      quantity: item.quantity,
      unitPrice: item.dailyPrice,
      memo: item.memo,
    }));
    // Daily prices may price lines at placement: the sheet must be within the limits like any change.
    assertOrderWithinLimits(lines);
    const order: OrderRow = {
      id: orderId,
      number: formatOrderNumber(saleDay, cart.sequence),
      retailerId: input.retailerId,
      wholesalerId: input.wholesalerId,
      status: 'PLACED',
      placement: input.placement,
      placedAt,
      saleDay,
      memo: cart.memo,
      fulfilmentMethod: cart.fulfilmentMethod,
      fulfilmentState: 'PENDING',
      deliveryAddress: cart.deliveryAddress,
      version: 1,
      pricedAt: lines.some((l) => l.unitPrice !== null) ? placedAt : null,
      cancelledAt: null,
      statementId: null,
      statementNumber: null,
      statementVersion: null,
      statementIssuedAt: null,
      updatedAt: placedAt,
    };
    const event = outboxRecord('order.placed', orderId, { eventId: randomUUID(), occurredAt: placedAt.getTime(), order: toOrderSnapshot(order, lines, parties) });
    const details: OrderDetails = {
      order,
      lines,
      retailer: { id: parties.retailer.id, name: parties.retailer.name },
      wholesaler: { id: parties.wholesaler.id, name: parties.wholesaler.name },
    };
    const written = await writeOrder(ctx.em, cart, order, lines, event, ctx.answer?.(details));
    if (written === 'placed') return details;
    if (written === 'claim-lost') throw IdempotencyError.claimLost();
  }
  throw CartError.busy();
}
