import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '@marketbill/platform';
import { accountNames } from '../../data-access/account-repository';
import type { OrderLineRow, OrderRow } from '../../data-access/entities';
import { lockOrder, orderLines } from '../../data-access/order-repository';
import { canSee, type Actor } from '../../domain/actor';

export type { OrderLineRow, OrderRow };

/** An order sheet with its lines and the names of both parties: what the API shows. */
export interface OrderDetails {
  order: OrderRow;
  lines: OrderLineRow[];
  retailer: { id: string; name: string };
  wholesaler: { id: string; name: string };
}

/** The order locked for this transaction, if the actor may see it; 404 otherwise (no existence leak). */
export async function lockVisibleOrder(em: EntityManager, actor: Actor, orderId: string): Promise<OrderRow> {
  const order = await lockOrder(em, orderId);
  if (!order || !canSee(actor, order)) throw NotFoundError.of('order', orderId);
  return order;
}

export async function orderDetails(em: EntityManager, order: OrderRow, lines?: OrderLineRow[]): Promise<OrderDetails> {
  const resolvedLines = lines ?? (await orderLines(em, order.id));
  const names = await partyNames(em, [order]);
  return { order, lines: resolvedLines, retailer: names(order.retailerId), wholesaler: names(order.wholesalerId) };
}

/** Account names by id, for lists of orders. */
export function partyNames(em: EntityManager, orders: Array<Pick<OrderRow, 'retailerId' | 'wholesalerId'>>): Promise<(id: string) => { id: string; name: string }> {
  return accountNames(em, orders.flatMap((o) => [o.retailerId, o.wholesalerId]));
}
