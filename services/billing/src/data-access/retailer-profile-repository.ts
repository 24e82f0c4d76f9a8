import type { EntityManager } from '@mikro-orm/postgresql';
import type { RetailerProfile } from '../domain/retailer-profile';
import { RetailerProfileSchema } from './entities';
import { tableOf } from './sql';

/** Keeps the profile when its version is newer than the one held (older or repeated events change nothing). */
export async function upsertRetailerProfile(em: EntityManager, p: RetailerProfile): Promise<boolean> {
  const rows = await em.execute<Array<{ retailer_id: string }>>(
    `insert into ${tableOf(em, 'retailer_profile')} as r (retailer_id, version, business_number, company_name, representative, address,
       business_type, business_item, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, now())
     on conflict (retailer_id) do update set
       version = excluded.version, business_number = excluded.business_number, company_name = excluded.company_name,
       representative = excluded.representative, address = excluded.address, business_type = excluded.business_type,
       business_item = excluded.business_item, updated_at = now()
     where r.version < excluded.version
     returning r.retailer_id`,
    [p.retailerId, p.version, p.businessNumber, p.companyName, p.representative, p.address, p.businessType, p.businessItem],
  );
  return rows.length > 0;
}

export async function findRetailerProfile(em: EntityManager, retailerId: string): Promise<RetailerProfile | undefined> {
  const row = await em.findOne(RetailerProfileSchema, { retailerId });
  if (!row) return undefined;
  const { updatedAt: _updatedAt, ...profile } = row;
  return profile;
}
