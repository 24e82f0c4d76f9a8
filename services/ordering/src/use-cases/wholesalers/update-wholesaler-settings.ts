import { ValidationError } from '@marketbill/platform';
import { WholesalerSchema, type Wholesaler } from '../../data-access/entities';
import { owningWholesaler, type Actor } from '../../domain/actor';
import { isCutoffTime } from '../../domain/cutoff';
import type { UseCaseContext } from '../context';

/** Changes the wholesaler's cutoff (HH:MM, Asia/Seoul) at which open carts are ordered. Owner only. */
export async function updateWholesalerSettings(ctx: UseCaseContext, actor: Actor, input: { cutoffTime: string }): Promise<Wholesaler> {
  const wholesalerId = owningWholesaler(actor);
  if (!isCutoffTime(input.cutoffTime)) throw ValidationError.field('cutoffTime', 'HH:MM, 00:00 to 23:59.');
  return ctx.tx(async (em) => {
    const w = await em.findOneOrFail(WholesalerSchema, { id: wholesalerId });
    w.cutoffTime = input.cutoffTime;
    return w;
  });
}
