import type { OrderSnapshot, Party } from '@marketbill/schemas';
import type { OrderInfo, PartyInfo } from '../../domain/notices';

/** Avro types stop at the entry point: the domain gets its own shapes. */
export function toParty(p: Party): PartyInfo {
  return { id: p.id, name: p.name, phone: p.phone };
}

export function toOrderInfo(o: OrderSnapshot): OrderInfo {
  const items = o.lines.filter((l) => l.kind === 'ITEM');
  return {
    orderId: o.orderId,
    orderNumber: o.orderNumber,
    version: o.version,
    status: o.status,
    placement: o.placement,
    retailer: toParty(o.retailer),
    wholesaler: toParty(o.wholesaler),
    fulfilmentMethod: o.fulfilment.method,
    fulfilmentState: o.fulfilment.state,
    priceState: o.priceState,
    total: o.total,
    itemCount: items.length,
    totalQuantity: items.reduce((sum, l) => sum + l.quantity, 0),
  };
}
