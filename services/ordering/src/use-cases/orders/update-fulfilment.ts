import { ValidationError } from '@marketbill/platform';
import { actingWholesaler, type Actor } from '../../domain/actor';
import { assertFulfilmentTransition, assertMethodChangeable, assertNotCancelled, type FulfilmentMethod, type FulfilmentState } from '../../domain/order';
import type { UseCaseContext } from '../context';
import { orderLines } from '../../data-access/order-repository';
import { commitOrderChange } from './change-order';
import { lockVisibleOrder, orderDetails, type OrderDetails } from './order-details';

/**
 * The wholesaler moves fulfilment on (PENDING → READY → PICKED_UP or DELIVERED), or, while still
 * PENDING, changes the method and delivery address. The retailer is told through `order.updated`
 * (FULFILMENT_CHANGED). A request that changes nothing answers the order as it is, at the same
 * version.
 */
export async function updateFulfilment(
  ctx: UseCaseContext,
  actor: Actor,
  orderId: string,
  input: { state?: FulfilmentState | undefined; method?: FulfilmentMethod | undefined; address?: string | null | undefined },
): Promise<OrderDetails> {
  actingWholesaler(actor);
  return ctx.tx(async (em) => {
    const order = await lockVisibleOrder(em, actor, orderId);
    assertNotCancelled(order);
    const before = { method: order.fulfilmentMethod, address: order.deliveryAddress, state: order.fulfilmentState };
    if (input.method !== undefined || input.address !== undefined) {
      assertMethodChangeable(order.fulfilmentState);
      const method = input.method ?? order.fulfilmentMethod;
      const address = input.address === undefined ? order.deliveryAddress : input.address?.trim() || null;
      if (method === 'DELIVERY' && !address) throw ValidationError.field('address', 'Delivery needs an address.');
      order.fulfilmentMethod = method;
      order.deliveryAddress = method === 'DELIVERY' ? address : null;
    }
    if (input.state !== undefined) {
      assertFulfilmentTransition(order.fulfilmentMethod, order.fulfilmentState, input.state);
      order.fulfilmentState = input.state;
    }
    const lines = await orderLines(em, order.id);
    // Asking for what already holds (the same method and address) is not a change: no new version, no event.
    const changed = before.method !== order.fulfilmentMethod || before.address !== order.deliveryAddress || before.state !== order.fulfilmentState;
    return changed ? commitOrderChange(ctx, em, order, lines, 'FULFILMENT_CHANGED') : orderDetails(em, order, lines);
  });
}
