import type { OrderChange, OrderSnapshot, Party } from '@marketbill/schemas';
import type { Order, OrderLine } from '../../domain/order';
import { lineAmount, orderTotals } from '../../domain/order';

/** The order sheet as `order.placed` / `order.updated` carry it: the whole sheet, every time. */
export function toOrderSnapshot(order: Order, lines: readonly OrderLine[], parties: { retailer: Party; wholesaler: Party }): OrderSnapshot {
  const { total, priceState } = orderTotals(lines);
  return {
    orderId: order.id,
    orderNumber: order.number,
    version: order.version,
    status: order.status,
    placement: order.placement,
    placedAt: order.placedAt.getTime(),
    saleDay: order.saleDay,
    retailer: parties.retailer,
    wholesaler: parties.wholesaler,
    memo: order.memo,
    fulfilment: { method: order.fulfilmentMethod, state: order.fulfilmentState, address: order.deliveryAddress },
    lines: [...lines]
      .sort((a, b) => a.position - b.position)
      .map((l) => ({
        lineId: l.id,
        kind: l.kind,
        varietyId: l.varietyId,
        itemName: l.itemName,
        varietyName: l.varietyName,
        grade: l.grade,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        amount: lineAmount(l),
        memo: l.memo,
      })),
    priceState,
    total,
    pricedAt: order.pricedAt ? order.pricedAt.getTime() : null,
  };
}

export type { OrderChange };
