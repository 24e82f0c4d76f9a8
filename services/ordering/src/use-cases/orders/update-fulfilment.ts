import { ValidationError } from '@marketbill/platform';
import { actingWholesaler, type Actor } from '../../domain/actor';
import { assertFulfilmentTransition, assertMethodChangeable, type FulfilmentMethod, type FulfilmentState } from '../../domain/order';
import type { UseCaseContext } from '../context';
import { changeOpenOrder, type OrderDetails } from './order-access';

/**
 * The wholesaler moves fulfilment on (PENDING → READY → PICKED_UP or DELIVERED), or, while still
 * PENDING, changes the method and delivery address. The retailer is told through `order.updated`
 * (FULFILMENT_CHANGED).
 */
export async function updateFulfilment(
  ctx: UseCaseContext,
  actor: Actor,
  orderId: string,
  input: { state?: FulfilmentState | undefined; method?: FulfilmentMethod | undefined; address?: string | null | undefined },
): Promise<OrderDetails> {
  actingWholesaler(actor);
  return changeOpenOrder(ctx, actor, orderId, 'FULFILMENT_CHANGED', (_em, order, lines) => {
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
    return lines;
  });
}
