import { ValidationError } from '@marketbill/platform';
import { getAccount } from '../../data-access/account-repository';
import type { Account, Wholesaler } from '../../data-access/entities';
import { getWholesaler } from '../../data-access/wholesaler-repository';
import { owningWholesaler, type Actor } from '../../domain/actor';
import { isCutoffTime } from '../../domain/cutoff';
import type { UseCaseContext } from '../context';

/** Changes the wholesaler's cutoff (HH:MM, Asia/Seoul) at which open carts are ordered. Owner only. */
export async function updateWholesalerSettings(ctx: UseCaseContext, actor: Actor, input: { cutoffTime: string }): Promise<{ wholesaler: Wholesaler; owner: Account }> {
  const wholesalerId = owningWholesaler(actor);
  if (!isCutoffTime(input.cutoffTime)) throw ValidationError.field('cutoffTime', 'HH:MM, 00:00 to 23:59.');
  return ctx.tx(async (em) => {
    const w = await getWholesaler(em, wholesalerId);
    w.cutoffTime = input.cutoffTime;
    return { wholesaler: w, owner: await getAccount(em, wholesalerId) };
  });
}
