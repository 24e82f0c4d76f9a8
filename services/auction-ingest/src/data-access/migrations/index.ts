import type { MigrationObject } from '@mikro-orm/core';
import { AuctionTables } from './0001-auction-tables';
import { CallBudgetAndBackfills } from './0002-call-budget-and-backfills';

/** The auction-ingest schema's migrations, in order (the messaging tables come first, added by the runtime). */
export const migrations: MigrationObject[] = [
  { name: '0001-auction-tables', class: AuctionTables },
  { name: '0002-call-budget-and-backfills', class: CallBudgetAndBackfills },
];
