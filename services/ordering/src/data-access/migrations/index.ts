import type { MigrationObject } from '@mikro-orm/core';
import { OrderingTables } from './0001-ordering-tables';
import { RetailerProfiles } from './0002-retailer-profiles';
import { OrdersByWholesalerAndTime } from './0003-orders-by-wholesaler-and-time';

/** The ordering schema's migrations, in order (the messaging tables come first, added by the runtime). */
export const migrations: MigrationObject[] = [
  { name: '0001-ordering-tables', class: OrderingTables },
  { name: '0002-retailer-profiles', class: RetailerProfiles },
  { name: '0003-orders-by-wholesaler-and-time', class: OrdersByWholesalerAndTime },
];
