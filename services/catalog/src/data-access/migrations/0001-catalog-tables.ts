import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * Items, varieties and the price history, with the indexes the internal API's queries use:
 * - `variety_search_grams_idx` (GIN over 1-/2-character grams): keyword and 초성 search;
 * - `variety_name_idx`, `variety_last_auction_idx`, `variety_latest_avg_idx`: the list orders,
 *   so a page is read in index order instead of sorting every match;
 * - `variety_item_idx`: varieties of an item (and the items' variety counts);
 * - `price_point` primary key (variety_id, sale_date, grade): a variety's history, its latest days
 *   per grade, and "auctioned in a window" for one variety;
 * - `price_point_sale_date_idx` (sale_date, variety_id): "auctioned in a window" for many varieties.
 */
export class CatalogTables extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`create table ${s}.item (
      id uuid primary key,
      category text not null,
      name text not null,
      search_name text not null,
      chosung_name text not null,
      image_url text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`);
    this.addSql(`create index item_category_name_idx on ${s}.item (category, name)`);
    this.addSql(`create table ${s}.variety (
      id uuid primary key,
      item_id uuid not null references ${s}.item (id),
      category text not null,
      item_name text not null,
      name text not null,
      search_item text not null,
      search_name text not null,
      chosung_item text not null,
      chosung_name text not null,
      search_grams text[] not null,
      colour text,
      image_urls text[] not null default '{}',
      last_auction_date date,
      latest_avg_price bigint,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`);
    this.addSql(`create index variety_search_grams_idx on ${s}.variety using gin (search_grams)`);
    this.addSql(`create index variety_name_idx on ${s}.variety (name, item_name, id)`);
    this.addSql(`create index variety_item_idx on ${s}.variety (item_id, name)`);
    this.addSql(`create index variety_last_auction_idx on ${s}.variety (last_auction_date desc nulls last, name, id)`);
    this.addSql(`create index variety_latest_avg_idx on ${s}.variety (latest_avg_price, name, id)`);
    this.addSql(`create table ${s}.price_point (
      variety_id uuid not null references ${s}.variety (id),
      sale_date date not null,
      grade text not null,
      min_price bigint not null,
      avg_price bigint not null,
      max_price bigint not null,
      total_amount bigint not null,
      total_quantity bigint not null,
      revision integer not null,
      occurred_at timestamptz not null,
      event_id uuid not null,
      primary key (variety_id, sale_date, grade)
    )`);
    this.addSql(`create index price_point_sale_date_idx on ${s}.price_point (sale_date, variety_id)`);
  }

  override down(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`drop table if exists ${s}.price_point, ${s}.variety, ${s}.item`);
  }
}
