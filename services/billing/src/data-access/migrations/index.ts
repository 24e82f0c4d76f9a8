import type { MigrationObject } from '@mikro-orm/core';
import { BillingTables } from './0001-billing-tables';
import { RetailerProfiles } from './0002-retailer-profiles';
import { LeaseOwner } from './0003-lease-owner';
import { StatementNumberPool } from './0004-statement-number-pool';
import { SealedPhones } from './0005-sealed-phones';
import { PaymentRecorder } from './0006-payment-recorder';

/** The billing schema's migrations, in order (the messaging tables come first, added by the runtime). */
export const migrations: MigrationObject[] = [
  { name: '0001-billing-tables', class: BillingTables },
  { name: '0002-retailer-profiles', class: RetailerProfiles },
  { name: '0003-lease-owner', class: LeaseOwner },
  { name: '0004-statement-number-pool', class: StatementNumberPool },
  { name: '0005-sealed-phones', class: SealedPhones },
  { name: '0006-payment-recorder', class: PaymentRecorder },
];
