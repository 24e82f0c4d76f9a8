import type { MigrationObject } from '@mikro-orm/core';
import { BillingTables } from './0001-billing-tables';
import { RetailerProfiles } from './0002-retailer-profiles';
import { StatementNumberPool } from './0003-statement-number-pool';
import { SealedPhones } from './0004-sealed-phones';

/** The billing schema's migrations, in order (the messaging tables come first, added by the runtime). */
export const migrations: MigrationObject[] = [
  { name: '0001-billing-tables', class: BillingTables },
  { name: '0002-retailer-profiles', class: RetailerProfiles },
  { name: '0003-statement-number-pool', class: StatementNumberPool },
  { name: '0004-sealed-phones', class: SealedPhones },
];
