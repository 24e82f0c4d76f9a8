import type { EntityManager } from '@mikro-orm/postgresql';
import type { RetailerProfile } from '../domain/retailer-profile';
import { upsertRetailerProfile } from '../data-access/retailer-profile-repository';

/** Keeps the retailer's business profile (newest version wins); printed as 공급받는자 on the next statements. */
export async function recordRetailerProfile(em: EntityManager, profile: RetailerProfile): Promise<{ applied: boolean }> {
  return { applied: await upsertRetailerProfile(em, profile) };
}
