import { NotFoundError } from '@marketbill/platform';
import { AccountSchema, WholesalerSchema, type Account, type Wholesaler } from '../../data-access/entities';
import { actingWholesaler, type Actor } from '../../domain/actor';
import type { UseCaseContext } from '../context';

/** The caller's own wholesaler (owner and staff), profile included. */
export async function getOwnWholesaler(ctx: UseCaseContext, actor: Actor): Promise<{ wholesaler: Wholesaler; owner: Account }> {
  return getWholesaler(ctx, actingWholesaler(actor));
}

/** Any wholesaler by id (its public face: shop name and business profile). */
export async function getWholesaler(ctx: UseCaseContext, wholesalerId: string): Promise<{ wholesaler: Wholesaler; owner: Account }> {
  const [wholesaler, owner] = await Promise.all([
    ctx.em.findOne(WholesalerSchema, { id: wholesalerId }),
    ctx.em.findOne(AccountSchema, { id: wholesalerId, role: 'WHOLESALER_OWNER' }),
  ]);
  if (!wholesaler || !owner || owner.disabledAt) throw NotFoundError.of('wholesaler', wholesalerId);
  return { wholesaler, owner };
}
