import type { MigrationObject } from '@mikro-orm/core';
import { OrderingTables } from './0001-ordering-tables';
import { RetailerProfiles } from './0002-retailer-profiles';
import { IdempotencyOwner } from './0003-idempotency-owner';
import { SignInFailures } from './0004-sign-in-failures';
import { OrdersByWholesalerAndTime } from './0005-orders-by-wholesaler-and-time';

/** The ordering schema's migrations, in order (the messaging tables come first, added by the runtime). */
export const migrations: MigrationObject[] = [
  { name: '0001-ordering-tables', class: OrderingTables },
  { name: '0002-retailer-profiles', class: RetailerProfiles },
  { name: '0003-idempotency-owner', class: IdempotencyOwner },
  { name: '0004-sign-in-failures', class: SignInFailures },
  { name: '0005-orders-by-wholesaler-and-time', class: OrdersByWholesalerAndTime },
];
