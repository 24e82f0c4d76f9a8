import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { publish } from '../../topics';
import type { OrderChange } from '@marketbill/schemas';
import type { OrderLineRow, OrderRow } from '../../data-access/entities';
import { orderLines } from '../../data-access/order-repository';
import type { Actor } from '../../domain/actor';
import { assertOrderWithinLimits } from '../../domain/money-limits';
import { assertNotCancelled } from '../../domain/order';
import type { UseCaseContext } from '../context';
import { loadParties } from '../parties';
import { lockVisibleOrder, type OrderDetails } from './order-details';
import { toOrderSnapshot } from './order-snapshot';

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
