import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * A wholesaler's order list is read newest first (`placed_at desc, id`), a page at a time. The only
 * index by wholesaler was (wholesaler_id, sale_day), so every page fetched and sorted all of the
 * wholesaler's orders: 157 ms per page at 100,000 orders, growing with every order ever placed
 * (bench/README.md, growth). In list order, a page is the index's first rows.
 */
export class OrdersByWholesalerAndTime extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`create index orders_wholesaler_placed_idx on ${s}.orders (wholesaler_id, placed_at desc, id)`);
  }

  override down(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`drop index if exists ${s}.orders_wholesaler_placed_idx`);
  }
}
