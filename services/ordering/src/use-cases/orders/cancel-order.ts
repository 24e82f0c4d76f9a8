import { assertRole, type Actor } from '../../domain/actor';
import { assertCancellable } from '../../domain/order';
import type { UseCaseContext } from '../context';
import { orderLines } from '../../data-access/order-repository';
import { commitOrderChange } from './change-order';
import { lockVisibleOrder, type OrderDetails } from './order-details';

/** The retailer cancels its order; allowed until the wholesaler has priced anything on it. */
export async function cancelOrder(ctx: UseCaseContext, actor: Actor, orderId: string): Promise<OrderDetails> {
  assertRole(actor, ['RETAILER']);
  return ctx.tx(async (em) => {
    const order = await lockVisibleOrder(em, actor, orderId);
    const lines = await orderLines(em, order.id);
    assertCancellable(order, lines);
    order.status = 'CANCELLED';
    order.cancelledAt = ctx.now();
    return commitOrderChange(ctx, em, order, lines, 'CANCELLED');
  });
}
