import type { MigrationObject } from '@mikro-orm/core';
import { AuctionTables } from './0001-auction-tables';

/** The auction-ingest schema's migrations, in order (the messaging tables come first, added by the runtime). */
export const migrations: MigrationObject[] = [{ name: '0001-auction-tables', class: AuctionTables }];
