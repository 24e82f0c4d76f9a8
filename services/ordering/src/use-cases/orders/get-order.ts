import { NotFoundError } from '@marketbill/platform';
import { findOrder, linesOfOrders, searchOrders } from '../../data-access/order-repository';
import { canSee, type Actor } from '../../domain/actor';
import type { OrderStatus } from '../../domain/order';
import type { Page, PageRequest, UseCaseContext } from '../context';
import { orderDetails, partyNames, type OrderDetails } from './order-details';

/** One order sheet the caller may see (its retailer, the wholesaler's owner and staff, ADMIN). */
export async function getOrder(ctx: UseCaseContext, actor: Actor, orderId: string): Promise<OrderDetails> {
  const order = await findOrder(ctx.em, orderId);
  if (!order || !canSee(actor, order)) throw NotFoundError.of('order', orderId);
  return orderDetails(ctx.em, order);
}

export interface OrderQuery extends PageRequest {
  from?: string | undefined;
  to?: string | undefined;
  status?: OrderStatus | undefined;
  retailerId?: string | undefined;
  wholesalerId?: string | undefined;
}

/**
 * Order sheets the caller may see, newest first: a retailer its own, a wholesaler's owner and staff
 * those placed with it, ADMIN all. Filters narrow within that scope, never widen it.
 */
export async function listOrders(ctx: UseCaseContext, actor: Actor, query: OrderQuery): Promise<Page<OrderDetails>> {
  const scope = actor.role === 'RETAILER' ? { retailerId: actor.accountId } : actor.role === 'ADMIN' ? {} : { wholesalerId: actor.wholesalerId ?? '' };
  const filter = { retailerId: query.retailerId, wholesalerId: query.wholesalerId, status: query.status, from: query.from, to: query.to };
  const [orders, total] = await searchOrders(ctx.em, { ...scope, filter, limit: query.size, offset: query.page * query.size });
  const [lines, names] = await Promise.all([linesOfOrders(ctx.em, orders.map((o) => o.id)), partyNames(ctx.em, orders)]);
  return {
    items: orders.map((order) => ({ order, lines: lines.filter((l) => l.orderId === order.id), retailer: names(order.retailerId), wholesaler: names(order.wholesalerId) })),
    page: query.page,
    size: query.size,
    total,
  };
}
