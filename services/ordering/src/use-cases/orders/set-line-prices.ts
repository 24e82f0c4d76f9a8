import { ValidationError } from '@marketbill/platform';
import { actingWholesaler, type Actor } from '../../domain/actor';
import { OrderError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';
import { changeOpenOrder } from './change-order';
import type { OrderDetails } from './order-details';

/**
 * The wholesaler (owner or staff) sets unit prices on lines of one order; null clears a price.
 * All lines in one change, one new version, one `order.updated` (PRICES_SET).
 */
export async function setLinePrices(ctx: UseCaseContext, actor: Actor, orderId: string, prices: Array<{ lineId: string; unitPrice: number | null }>): Promise<OrderDetails> {
  actingWholesaler(actor);
  if (new Set(prices.map((p) => p.lineId)).size !== prices.length) throw ValidationError.field('lines', 'Each line at most once.');
  return changeOpenOrder(ctx, actor, orderId, 'PRICES_SET', (_em, order, lines) => {
    for (const { lineId, unitPrice } of prices) {
      const line = lines.find((l) => l.id === lineId);
      if (!line) throw OrderError.lineNotFound(lineId);
      line.unitPrice = unitPrice;
    }
    order.pricedAt = lines.some((l) => l.unitPrice !== null) ? ctx.now() : null;
    return lines;
  });
}
