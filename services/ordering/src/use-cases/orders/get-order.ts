import type { FilterQuery } from '@mikro-orm/core';
import { NotFoundError } from '@marketbill/platform';
import { OrderLineSchema, OrderSchema, type OrderRow } from '../../data-access/entities';
import { canSee, type Actor } from '../../domain/actor';
import type { OrderStatus } from '../../domain/order';
import type { Page, PageRequest, UseCaseContext } from '../context';
import { orderDetails, partyNames, type OrderDetails } from './order-access';

/** One order sheet the caller may see (its retailer, the wholesaler's owner and staff, ADMIN). */
export async function getOrder(ctx: UseCaseContext, actor: Actor, orderId: string): Promise<OrderDetails> {
  const order = await ctx.em.findOne(OrderSchema, { id: orderId });
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
  const scope: FilterQuery<OrderRow> =
    actor.role === 'RETAILER' ? { retailerId: actor.accountId } : actor.role === 'ADMIN' ? {} : { wholesalerId: actor.wholesalerId ?? '' };
  const where: FilterQuery<OrderRow> = {
    $and: [
      scope,
      query.retailerId ? { retailerId: query.retailerId } : {},
      query.wholesalerId ? { wholesalerId: query.wholesalerId } : {},
      query.status ? { status: query.status } : {},
      query.from ? { saleDay: { $gte: query.from } } : {},
      query.to ? { saleDay: { $lte: query.to } } : {},
    ],
  };
  const [orders, total] = await ctx.em.findAndCount(OrderSchema, where, { orderBy: { placedAt: 'desc', id: 'asc' }, limit: query.size, offset: query.page * query.size });
  const [lines, names] = await Promise.all([
    orders.length > 0 ? ctx.em.find(OrderLineSchema, { orderId: { $in: orders.map((o) => o.id) } }, { orderBy: { position: 'asc' } }) : Promise.resolve([]),
    partyNames(ctx.em, orders),
  ]);
  return {
    items: orders.map((order) => ({ order, lines: lines.filter((l) => l.orderId === order.id), retailer: names(order.retailerId), wholesaler: names(order.wholesalerId) })),
    page: query.page,
    size: query.size,
    total,
  };
}
