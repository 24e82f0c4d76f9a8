import type { MigrationObject } from '@mikro-orm/core';
import { BillingTables } from './0001-billing-tables';
import { RetailerProfiles } from './0002-retailer-profiles';

/** The billing schema's migrations, in order (the messaging tables come first, added by the runtime). */
export const migrations: MigrationObject[] = [
  { name: '0001-billing-tables', class: BillingTables },
  { name: '0002-retailer-profiles', class: RetailerProfiles },
];
