import type { EntityManager } from '@mikro-orm/postgresql';
import type { WholesalerProfile } from '../domain/wholesaler-profile';
import { upsertWholesalerProfile } from '../data-access/wholesaler-profile-repository';

/** Keeps the wholesaler's supplier block (newest version wins); used by the next statement issued. */
export async function recordWholesalerProfile(em: EntityManager, profile: WholesalerProfile): Promise<{ applied: boolean }> {
  return { applied: await upsertWholesalerProfile(em, profile) };
}
