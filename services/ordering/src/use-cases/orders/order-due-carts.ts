import type { Logger } from '@marketbill/platform';
import { AppError } from '@marketbill/platform';
import { WholesalerSchema } from '../../data-access/entities';
import { table } from '../../data-access/sql';
import { latestCutoff } from '../../domain/cutoff';
import type { UseCaseContext } from '../context';
import { placeOrder } from './place-order';

/**
 * The cutoff job's work: every open cart last changed before its wholesaler's latest cutoff is
 * ordered through placeOrder — the same use case as the retailer's button — with placement CUTOFF.
 * Stateless and safe to run on every replica at once: placeOrder locks the cart and deletes it, so a
 * cart is ordered once; a cart changed after the cutoff waits for the next one. A cart that cannot
 * be ordered (connection no longer confirmed) stays and is logged.
 */
export async function orderDueCarts(ctx: UseCaseContext, log: Logger): Promise<{ ordered: number; skipped: number }> {
  const now = ctx.now();
  const wholesalers = await ctx.em.find(WholesalerSchema, {}, { fields: ['id', 'cutoffTime'] });
  let ordered = 0;
  let skipped = 0;
  for (const w of wholesalers) {
    // Carts without lines (a memo set, nothing added) are not orders: left alone.
    const due = await ctx.em.execute<Array<{ retailer_id: string }>>(
      `select c.retailer_id from ${table(ctx.em, 'carts')} c
        where c.wholesaler_id = ? and c.updated_at < ? and exists (select 1 from ${table(ctx.em, 'cart_lines')} l where l.cart_id = c.id)`,
      [w.id, latestCutoff(now, w.cutoffTime)],
    );
    for (const cart of due) {
      try {
        const { order } = await placeOrder(ctx, { retailerId: cart.retailer_id, wholesalerId: w.id, placement: 'CUTOFF' });
        ordered++;
        log.info({ orderId: order.id, orderNumber: order.number, wholesalerId: w.id }, 'open cart ordered at cutoff');
      } catch (error) {
        skipped++;
        if (!(error instanceof AppError)) throw error;
        log.warn({ code: error.code, retailerId: cart.retailer_id, wholesalerId: w.id }, 'open cart not ordered at cutoff');
      }
    }
  }
  return { ordered, skipped };
}
