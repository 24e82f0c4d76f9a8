import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { publish } from '@marketbill/messaging';
import { NotFoundError } from '@marketbill/platform';
import type { OrderChange } from '@marketbill/schemas';
import { AccountSchema, OrderLineSchema, OrderSchema, type OrderLineRow, type OrderRow } from '../../data-access/entities';
import { canSee, type Actor } from '../../domain/actor';
import { assertOrderWithinLimits } from '../../domain/money-limits';
import { assertNotCancelled } from '../../domain/order';
import type { UseCaseContext } from '../context';
import { loadParties } from '../parties';
import { toOrderSnapshot } from './order-snapshot';

/** An order sheet with its lines and the names of both parties: what the API shows. */
export interface OrderDetails {
  order: OrderRow;
  lines: OrderLineRow[];
  retailer: { id: string; name: string };
  wholesaler: { id: string; name: string };
}

/** The order locked for this transaction, if the actor may see it; 404 otherwise (no existence leak). */
export async function lockVisibleOrder(em: EntityManager, actor: Actor, orderId: string): Promise<OrderRow> {
  const order = await em.findOne(OrderSchema, { id: orderId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!order || !canSee(actor, order)) throw NotFoundError.of('order', orderId);
  return order;
}

export async function orderLines(em: EntityManager, orderId: string): Promise<OrderLineRow[]> {
  return em.find(OrderLineSchema, { orderId }, { orderBy: { position: 'asc' } });
}

export async function orderDetails(em: EntityManager, order: OrderRow, lines?: OrderLineRow[]): Promise<OrderDetails> {
  const resolvedLines = lines ?? (await orderLines(em, order.id));
  const names = await partyNames(em, [order]);
  return { order, lines: resolvedLines, retailer: names(order.retailerId), wholesaler: names(order.wholesalerId) };
}

/** Account names by id, for lists of orders. */
export async function partyNames(em: EntityManager, orders: Array<Pick<OrderRow, 'retailerId' | 'wholesalerId'>>): Promise<(id: string) => { id: string; name: string }> {
  const ids = [...new Set(orders.flatMap((o) => [o.retailerId, o.wholesalerId]))];
  const accounts = ids.length > 0 ? await em.find(AccountSchema, { id: { $in: ids } }, { fields: ['id', 'name'] }) : [];
  const byId = new Map(accounts.map((a) => [a.id, a.name]));
  return (id) => ({ id, name: byId.get(id) ?? '' });
}

/**
 * The wholesaler's side of changing a placed order: locks the order (404 unless the actor may see
 * it), refuses a cancelled one, lets `mutate` change the order and its lines (it answers the lines
 * as they stand after the change), then commits the change with its event.
 */
export async function changeOpenOrder(
  ctx: UseCaseContext,
  actor: Actor,
  orderId: string,
  change: OrderChange,
  mutate: (em: EntityManager, order: OrderRow, lines: OrderLineRow[]) => Promise<OrderLineRow[]> | OrderLineRow[],
): Promise<OrderDetails> {
  return ctx.tx(async (em) => {
    const order = await lockVisibleOrder(em, actor, orderId);
    assertNotCancelled(order);
    const lines = await mutate(em, order, await orderLines(em, order.id));
    return commitOrderChange(ctx, em, order, lines, change);
  });
}

/**
 * Finishes a change to a placed order: checks the quantity and money limits (422, and the caller's
 * transaction rolls back), raises its version and publishes `order.updated` with the whole sheet,
 * in the same transaction. Every change to an order goes through here.
 */
export async function commitOrderChange(ctx: UseCaseContext, em: EntityManager, order: OrderRow, lines: OrderLineRow[], change: OrderChange): Promise<OrderDetails> {
  assertOrderWithinLimits(lines);
  const now = ctx.now();
  order.version += 1;
  order.updatedAt = now;
  const parties = await loadParties(ctx.settings, em, order.retailerId, order.wholesalerId);
  publish(em, 'order.updated', order.id, { eventId: randomUUID(), occurredAt: now.getTime(), change, order: toOrderSnapshot(order, lines, parties) });
  await em.flush();
  return {
    order,
    lines: [...lines].sort((a, b) => a.position - b.position),
    retailer: { id: parties.retailer.id, name: parties.retailer.name },
    wholesaler: { id: parties.wholesaler.id, name: parties.wholesaler.name },
  };
}
