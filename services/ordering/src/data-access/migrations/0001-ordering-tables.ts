import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * The ordering schema: accounts and sessions, wholesalers and their staff, connections, carts,
 * orders and prices, the catalog read model, and the tables that back idempotency keys and rate
 * limits (in Postgres, so every replica sees the same counts).
 */
export class OrderingTables extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    const sql = (text: string) => this.addSql(text.replace(/\$s/g, s));
    sql(`create table $s.accounts (
      id uuid primary key,
      phone text not null unique,
      name text not null,
      role text not null check (role in ('RETAILER', 'WHOLESALER_OWNER', 'WHOLESALER_STAFF', 'ADMIN')),
      password_hash text not null,
      wholesaler_id uuid,
      disabled_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    sql(`create index accounts_wholesaler_idx on $s.accounts (wholesaler_id)`);
    sql(`create table $s.wholesalers (
      id uuid primary key,
      cutoff_time text not null,
      business_number text,
      company_name text,
      representative text,
      address text,
      phone text,
      business_type text,
      business_item text,
      bank_account text,
      seal_image_url text,
      profile_version int not null default 0,
      profile_updated_at timestamptz,
      created_at timestamptz not null
    )`);
    sql(`create table $s.staff_invitations (
      id uuid primary key,
      wholesaler_id uuid not null,
      code_hash text not null unique,
      expires_at timestamptz not null,
      used_by uuid,
      used_at timestamptz,
      created_at timestamptz not null
    )`);
    sql(`create table $s.verifications (
      id uuid primary key,
      phone text not null,
      purpose text not null,
      code_hash text not null,
      expires_at timestamptz not null,
      attempts int not null default 0,
      consumed_at timestamptz,
      created_at timestamptz not null
    )`);
    sql(`create table $s.refresh_tokens (
      id uuid primary key,
      family_id uuid not null,
      account_id uuid not null,
      token_hash text not null unique,
      expires_at timestamptz not null,
      used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null
    )`);
    sql(`create index refresh_tokens_family_idx on $s.refresh_tokens (family_id)`);
    sql(`create index refresh_tokens_account_idx on $s.refresh_tokens (account_id)`);
    sql(`create table $s.rate_limits (
      key text primary key,
      window_started_at timestamptz not null,
      hits int not null
    )`);
    sql(`create table $s.idempotency_keys (
      account_id uuid not null,
      key text not null,
      request_hash text not null,
      status_code int,
      response jsonb,
      created_at timestamptz not null default now(),
      primary key (account_id, key)
    )`);
    sql(`create index idempotency_keys_created_idx on $s.idempotency_keys (created_at)`);
    sql(`create table $s.connections (
      id uuid primary key,
      retailer_id uuid not null,
      wholesaler_id uuid not null,
      status text not null check (status in ('APPLYING', 'CONFIRMED', 'REJECTED')),
      decided_by uuid,
      decided_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    // Duplicates are refused, re-applying after a rejection is allowed: only one live application per pair.
    sql(`create unique index connections_live_pair_idx on $s.connections (retailer_id, wholesaler_id) where status in ('APPLYING', 'CONFIRMED')`);
    sql(`create index connections_wholesaler_idx on $s.connections (wholesaler_id, status)`);
    sql(`create table $s.carts (
      id uuid primary key,
      retailer_id uuid not null,
      wholesaler_id uuid not null,
      memo text,
      fulfilment_method text not null default 'PICKUP',
      delivery_address text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (retailer_id, wholesaler_id)
    )`);
    sql(`create index carts_wholesaler_idx on $s.carts (wholesaler_id, updated_at)`);
    sql(`create table $s.cart_lines (
      id uuid primary key,
      cart_id uuid not null references $s.carts (id) on delete cascade deferrable initially deferred,
      variety_id uuid not null,
      grade text not null,
      quantity int not null check (quantity > 0),
      memo text,
      created_at timestamptz not null,
      unique (cart_id, variety_id, grade)
    )`);
    sql(`create table $s.order_counters (day text primary key, last int not null)`);
    sql(`create table $s.orders (
      id uuid primary key,
      number text not null unique,
      retailer_id uuid not null,
      wholesaler_id uuid not null,
      status text not null,
      placement text not null,
      placed_at timestamptz not null,
      sale_day text not null,
      memo text,
      fulfilment_method text not null,
      fulfilment_state text not null,
      delivery_address text,
      version int not null,
      priced_at timestamptz,
      cancelled_at timestamptz,
      statement_id uuid,
      statement_number text,
      statement_version int,
      statement_issued_at timestamptz,
      updated_at timestamptz not null
    )`);
    sql(`create index orders_wholesaler_day_idx on $s.orders (wholesaler_id, sale_day)`);
    sql(`create index orders_retailer_idx on $s.orders (retailer_id, placed_at desc)`);
    // Foreign keys between an aggregate's tables are checked at commit: the unit of work does not
    // order inserts by these ids (they are not ORM relations).
    sql(`create table $s.order_lines (
      id uuid primary key,
      order_id uuid not null references $s.orders (id) on delete cascade deferrable initially deferred,
      position int not null,
      kind text not null,
      variety_id uuid,
      item_name text not null,
      variety_name text not null,
      grade text,
      quantity int not null check (quantity > 0),
      unit_price bigint check (unit_price >= 0),
      memo text
    )`);
    sql(`create index order_lines_order_idx on $s.order_lines (order_id, position)`);
    sql(`create table $s.daily_prices (
      wholesaler_id uuid not null,
      day text not null,
      variety_id uuid not null,
      grade text not null,
      unit_price bigint not null check (unit_price >= 0),
      updated_at timestamptz not null,
      primary key (wholesaler_id, day, variety_id, grade)
    )`);
    sql(`create table $s.catalog_varieties (
      id uuid primary key,
      item_id uuid not null,
      category text not null,
      item_name text not null,
      variety_name text not null,
      updated_at timestamptz not null
    )`);
    sql(`create table $s.auction_prices (
      variety_id uuid not null,
      auction_grade text not null,
      sale_date text not null,
      min_price bigint not null,
      avg_price bigint not null,
      max_price bigint not null,
      total_quantity bigint not null,
      observed_at timestamptz not null,
      primary key (variety_id, auction_grade)
    )`);
  }
}
