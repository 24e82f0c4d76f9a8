import { listStaffOf } from '../../data-access/account-repository';
import type { Account } from '../../data-access/entities';
import { owningWholesaler, type Actor } from '../../domain/actor';
import type { UseCaseContext } from '../context';

/** The owner's staff members. */
export async function listStaff(ctx: UseCaseContext, actor: Actor): Promise<Account[]> {
  const wholesalerId = owningWholesaler(actor);
  return listStaffOf(ctx.em, wholesalerId);
}
