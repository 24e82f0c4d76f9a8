import type { Logger } from '@marketbill/platform';
import { AppError } from '@marketbill/platform';
import { retailersWithCartsDue } from '../../data-access/cart-repository';
import { listCutoffTimes } from '../../data-access/wholesaler-repository';
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
  const wholesalers = await listCutoffTimes(ctx.em);
  let ordered = 0;
  let skipped = 0;
  for (const w of wholesalers) {
    // Carts without lines (a memo set, nothing added) are not orders: left alone.
    const due = await retailersWithCartsDue(ctx.em, w.id, latestCutoff(now, w.cutoffTime));
    for (const retailerId of due) {
      try {
        const { order } = await placeOrder(ctx, { retailerId: retailerId, wholesalerId: w.id, placement: 'CUTOFF' });
        ordered++;
        log.info({ orderId: order.id, orderNumber: order.number, wholesalerId: w.id }, 'open cart ordered at cutoff');
      } catch (error) {
        skipped++;
        if (!(error instanceof AppError)) throw error;
        log.warn({ code: error.code, retailerId: retailerId, wholesalerId: w.id }, 'open cart not ordered at cutoff');
      }
    }
  }
  return { ordered, skipped };
}
