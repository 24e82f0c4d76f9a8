import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * Keyword search reads `variety_search_grams_idx` (GIN). A GIN index buffers new entries in a
 * "pending list" (4 MB by default) that every search must scan in full until a vacuum or an
 * autoanalyze merges it — a manual ANALYZE does not. Every variety insert, and every summary update
 * (the price columns are indexed, so no update is HOT), adds a row's 20–40 grams to it. Measured on
 * 6,000 varieties inserted and updated once (bench/catalog): a 356-page pending list, and the
 * planner gave up on the index — a sequential scan, 9.8 ms per search instead of 0.8 ms.
 * 64 kB (the least allowed) keeps the list a few pages long: the writer that fills it merges it in
 * bulk (+22 µs per inserted variety, measured), and searches never scan more than those pages.
 */
export class SearchIndexPendingList extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`alter index ${s}.variety_search_grams_idx set (gin_pending_list_limit = 64)`);
  }

  override down(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`alter index ${s}.variety_search_grams_idx reset (gin_pending_list_limit)`);
  }
}
