import type { EntityManager } from '@mikro-orm/postgresql';
import type { WholesalerProfile } from '../domain/wholesaler-profile';
import { WholesalerProfileSchema } from './entities';
import { tableOf } from './sql';

/** Keeps the profile when its version is newer than the one held (older or repeated events change nothing). */
export async function upsertWholesalerProfile(em: EntityManager, p: WholesalerProfile): Promise<boolean> {
  const rows = await em.execute<Array<{ wholesaler_id: string }>>(
    `insert into ${tableOf(em, 'wholesaler_profile')} as w (wholesaler_id, version, shop_name, owner_phone, sealed_owner_phone, business_number, company_name,
       representative, address, phone, business_type, business_item, bank_account, seal_image_url, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
     on conflict (wholesaler_id) do update set
       version = excluded.version, shop_name = excluded.shop_name, owner_phone = excluded.owner_phone, sealed_owner_phone = excluded.sealed_owner_phone,
       business_number = excluded.business_number, company_name = excluded.company_name, representative = excluded.representative,
       address = excluded.address, phone = excluded.phone, business_type = excluded.business_type,
       business_item = excluded.business_item, bank_account = excluded.bank_account, seal_image_url = excluded.seal_image_url,
       updated_at = now()
     where w.version < excluded.version
     returning w.wholesaler_id`,
    [
      p.wholesalerId,
      p.version,
      p.shopName,
      p.ownerPhone,
      p.sealedOwnerPhone,
      p.businessNumber,
      p.companyName,
      p.representative,
      p.address,
      p.phone,
      p.businessType,
      p.businessItem,
      p.bankAccount,
      p.sealImageUrl,
    ],
  );
  return rows.length > 0;
}

export async function findWholesalerProfile(em: EntityManager, wholesalerId: string): Promise<WholesalerProfile | undefined> {
  const row = await em.findOne(WholesalerProfileSchema, { wholesalerId });
  if (!row) return undefined;
  const { updatedAt: _updatedAt, ...profile } = row;
  return profile;
}
