import { ValidationError } from '@marketbill/platform';
import { actingWholesaler, type Actor } from '../../domain/actor';
import { assertNotCancelled } from '../../domain/order';
import { OrderError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';
import { commitOrderChange, lockVisibleOrder, orderLines, type OrderDetails } from './order-access';

/**
 * The wholesaler (owner or staff) sets unit prices on lines of one order; null clears a price.
 * All lines in one change, one new version, one `order.updated` (PRICES_SET).
 */
export async function setLinePrices(ctx: UseCaseContext, actor: Actor, orderId: string, prices: Array<{ lineId: string; unitPrice: number | null }>): Promise<OrderDetails> {
  actingWholesaler(actor);
  if (new Set(prices.map((p) => p.lineId)).size !== prices.length) throw ValidationError.field('lines', 'Each line at most once.');
  return ctx.tx(async (em) => {
    const order = await lockVisibleOrder(em, actor, orderId);
    assertNotCancelled(order);
    const lines = await orderLines(em, order.id);
    for (const { lineId, unitPrice } of prices) {
      const line = lines.find((l) => l.id === lineId);
      if (!line) throw OrderError.lineNotFound(lineId);
      line.unitPrice = unitPrice;
    }
    order.pricedAt = lines.some((l) => l.unitPrice !== null) ? ctx.now() : null;
    return commitOrderChange(ctx, em, order, lines, 'PRICES_SET');
  });
}
