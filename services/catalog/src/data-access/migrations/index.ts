import type { MigrationObject } from '@mikro-orm/core';
import { CatalogTables } from './0001-catalog-tables';
import { SearchIndexPendingList } from './0002-search-index-pending-list';

/** The catalog schema's migrations, in order (the messaging tables come first, added by the runtime). */
export const migrations: MigrationObject[] = [
  { name: '0001-catalog-tables', class: CatalogTables },
  { name: '0002-search-index-pending-list', class: SearchIndexPendingList },
];
