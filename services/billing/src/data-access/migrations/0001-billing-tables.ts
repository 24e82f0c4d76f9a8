import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * Billing's tables: its view of ordering's order sheets and wholesaler profiles (fed by events,
 * newest version wins), statements with the orders they cover and their per-month numbering, and
 * the ledger per wholesaler–retailer pair.
 */
export class BillingTables extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`create table ${s}.order_sheet (
      order_id uuid primary key,
      order_number text not null,
      version int not null,
      status text not null,
      sale_day text not null,
      placed_at timestamptz not null,
      wholesaler_id uuid not null,
      wholesaler_name text not null,
      wholesaler_phone text not null,
      retailer_id uuid not null,
      retailer_name text not null,
      retailer_phone text not null,
      lines jsonb not null,
      updated_at timestamptz not null default now()
    )`);
    this.addSql(`create index order_sheet_pair_day_idx on ${s}.order_sheet (wholesaler_id, retailer_id, sale_day)`);

    this.addSql(`create table ${s}.wholesaler_profile (
      wholesaler_id uuid primary key,
      version int not null,
      shop_name text not null,
      owner_phone text not null,
      business_number text not null,
      company_name text not null,
      representative text not null,
      address text not null,
      phone text not null,
      business_type text not null,
      business_item text not null,
      bank_account text not null,
      seal_image_url text null,
      updated_at timestamptz not null default now()
    )`);

    this.addSql(`create table ${s}.statement (
      id uuid primary key,
      wholesaler_id uuid not null,
      retailer_id uuid not null,
      number text not null,
      version int not null,
      status text not null check (status in ('RESERVED', 'ISSUED', 'RELEASED')),
      supersedes_id uuid null references ${s}.statement (id) deferrable initially deferred,
      superseded_by_id uuid null references ${s}.statement (id) deferrable initially deferred,
      idempotency_key text null,
      request_fingerprint text not null,
      issue_day text not null,
      content jsonb not null,
      line_count int not null,
      total bigint not null,
      previous_balance bigint not null,
      payments bigint not null,
      balance bigint not null,
      reserved_at timestamptz not null,
      lease_until timestamptz not null,
      attempts int not null default 0,
      last_error text null,
      issued_at timestamptz null,
      released_at timestamptz null,
      bucket text null,
      object_key text null,
      sha256 text null,
      size_bytes bigint null,
      pages int null,
      unique (wholesaler_id, number, version)
    )`);
    this.addSql(`create unique index statement_idempotency_idx on ${s}.statement (wholesaler_id, idempotency_key) where idempotency_key is not null`);
    this.addSql(`create index statement_wholesaler_idx on ${s}.statement (wholesaler_id, issued_at desc) where status = 'ISSUED'`);
    this.addSql(`create index statement_retailer_idx on ${s}.statement (retailer_id, issued_at desc) where status = 'ISSUED'`);
    this.addSql(`create index statement_reserved_idx on ${s}.statement (lease_until) where status = 'RESERVED'`);
    this.addSql(`create unique index statement_object_key_idx on ${s}.statement (object_key) where object_key is not null`);

    // Foreign keys are checked at commit: the ORM does not order inserts of entities it knows no
    // relation between.
    // An order sheet belongs to one statement number (whatever its versions): the primary key is
    // what stops two statements from charging the same order, even under concurrent requests.
    this.addSql(`create table ${s}.statement_order (
      order_id uuid primary key,
      wholesaler_id uuid not null,
      statement_number text not null,
      statement_id uuid not null references ${s}.statement (id) deferrable initially deferred,
      order_version int not null
    )`);
    this.addSql(`create index statement_order_statement_idx on ${s}.statement_order (statement_id)`);

    this.addSql(`create table ${s}.statement_counter (
      wholesaler_id uuid not null,
      period text not null,
      last_value int not null,
      primary key (wholesaler_id, period)
    )`);

    this.addSql(`create table ${s}.ledger_account (
      wholesaler_id uuid not null,
      retailer_id uuid not null,
      balance bigint not null default 0,
      unbilled_payments bigint not null default 0,
      statement_in_flight uuid null,
      primary key (wholesaler_id, retailer_id)
    )`);

    this.addSql(`create table ${s}.ledger_entry (
      id uuid primary key,
      seq bigint generated always as identity unique,
      wholesaler_id uuid not null,
      retailer_id uuid not null,
      kind text not null check (kind in ('CHARGE', 'PAYMENT')),
      amount bigint not null,
      at timestamptz not null,
      statement_id uuid null references ${s}.statement (id) deferrable initially deferred,
      memo text null,
      balance_after bigint not null,
      recorded_by uuid null,
      recorded_at timestamptz not null default now(),
      idempotency_key text null,
      request_fingerprint text null,
      check (kind = 'CHARGE' or amount > 0)
    )`);
    this.addSql(`create index ledger_entry_pair_idx on ${s}.ledger_entry (wholesaler_id, retailer_id, seq)`);
    this.addSql(`create unique index ledger_entry_idempotency_idx on ${s}.ledger_entry (wholesaler_id, idempotency_key) where idempotency_key is not null`);
  }
}
