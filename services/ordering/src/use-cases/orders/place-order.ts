import { randomUUID } from 'node:crypto';
import { publish } from '@marketbill/messaging';
import { seoulDay } from '@marketbill/platform';
import { CartSchema, OrderLineSchema, OrderSchema, type OrderLineRow, type OrderRow } from '../../data-access/entities';
import { nextOrderSequence } from '../../data-access/repositories/order-counter-repository';
import { lockCartWithLines, partiesAndConnection, varietyPricing } from '../../data-access/repositories/order-placement-repository';
import { assertOrderWithinLimits } from '../../domain/money-limits';
import type { OrderPlacement } from '../../domain/order';
import { formatOrderNumber } from '../../domain/order-number';
import { CartError, ConnectionError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';
import { toEventParty } from '../parties';
import type { OrderDetails } from './order-access';
import { toOrderSnapshot } from './order-snapshot';

/**
 * Turns a retailer's open cart at a wholesaler into an order sheet: a unique order number with the
 * Seoul day as prefix, one line per cart line with the unit price empty (or the wholesaler's daily
 * price for that variety, grade and day when one is set), the cart gone, and `order.placed` with
 * the whole sheet. The retailer's "order" button and the cutoff job both come here.
 */
export async function placeOrder(ctx: UseCaseContext, input: { retailerId: string; wholesalerId: string; placement: OrderPlacement }): Promise<OrderDetails> {
  const placedAt = ctx.now();
  const saleDay = seoulDay(placedAt);
  // Taken before the transaction: see nextOrderSequence. A refused order leaves a gap.
  const number = formatOrderNumber(saleDay, await nextOrderSequence(ctx.em, saleDay));
  return ctx.tx(async (em) => {
    const cart = await lockCartWithLines(em, input.retailerId, input.wholesalerId);
    if (!cart || cart.lines.length === 0) throw CartError.empty();
    const { retailer, wholesaler, confirmed } = await partiesAndConnection(em, input.retailerId, input.wholesalerId);
    if (!confirmed) throw ConnectionError.notConfirmed();
    const varieties = await varietyPricing(em, input.wholesalerId, saleDay, [...new Set(cart.lines.map((l) => l.varietyId))]);
    const parties = { retailer: toEventParty(ctx.settings, retailer), wholesaler: toEventParty(ctx.settings, wholesaler) };
    const orderId = randomUUID();
    const lines: OrderLineRow[] = cart.lines.map((item, index) => {
      const variety = varieties.get(item.varietyId);
      return {
        id: randomUUID(),
        orderId,
        position: index + 1,
        kind: 'ITEM',
        varietyId: item.varietyId,
        itemName: variety?.itemName ?? '',
        varietyName: variety?.varietyName ?? '',
        grade: item.grade,
        quantity: item.quantity,
        unitPrice: variety?.dailyPrices[item.grade] ?? null,
        memo: item.memo,
      };
    });
    // Daily prices may price lines at placement: the sheet must be within the limits like any change.
    assertOrderWithinLimits(lines);
    const order: OrderRow = {
      id: orderId,
      number,
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
    // Plain inserts: these rows are written once here, the unit of work has nothing to track.
    await em.insert(OrderSchema, order);
    await em.insertMany(OrderLineSchema, lines);
    await em.nativeDelete(CartSchema, { id: cart.id }); // its lines go with it (on delete cascade)
    publish(em, 'order.placed', orderId, { eventId: randomUUID(), occurredAt: placedAt.getTime(), order: toOrderSnapshot(order, lines, parties) });
    await em.flush();
    return {
      order,
      lines,
      retailer: { id: parties.retailer.id, name: parties.retailer.name },
      wholesaler: { id: parties.wholesaler.id, name: parties.wholesaler.name },
    };
  });
}
