import { deliveryChannel } from '../delivery-wake-up';
import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * The delivery log and the order progress the handlers keep.
 * - `delivery`: one row per SMS owed. Two unique keys make redelivered or repeated events insert
 *   nothing new: (event_id, recipient, template) for every event, and `dedupe_key` for what must
 *   happen once per business fact whatever event carries it (an order announced as priced once).
 *   A partial index keeps the sender's "what is due" query on pending rows only.
 * - `delivery_attempt`: every provider call with the provider's real answer.
 * - `order_progress`: the newest order version seen, so an older snapshot arriving late sends nothing.
 * - a statement trigger NOTIFYs the sender at commit, so a new delivery goes out at once.
 */
export class DeliveryLog extends Migration {
  override up(): void {
    const schema = this.config.get('schema') as string;
    const s = quoteIdentifier(schema);
    this.addSql(`create table ${s}.delivery (
      id uuid primary key,
      event_id uuid not null,
      event_topic text not null,
      template text not null,
      recipient text not null,
      dedupe_key text,
      type text not null check (type in ('SMS', 'LMS')),
      subject text,
      message_text text not null,
      secret_text text,
      byte_length int not null,
      provider text not null,
      status text not null check (status in ('PENDING', 'SENT', 'FAILED', 'SKIPPED')),
      attempts int not null default 0,
      next_attempt_at timestamptz not null default now(),
      claim_id uuid,
      expires_at timestamptz,
      provider_status text,
      provider_message text,
      request_id text,
      trace_headers jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      sent_at timestamptz,
      constraint delivery_event_recipient_template_key unique (event_id, recipient, template),
      constraint delivery_dedupe_key_key unique (dedupe_key),
      constraint delivery_secret_only_while_pending check (secret_text is null or status = 'PENDING')
    )`);
    this.addSql(`create index delivery_due_idx on ${s}.delivery (next_attempt_at) where status = 'PENDING'`);
    this.addSql(`create index delivery_created_idx on ${s}.delivery (created_at desc, id desc)`);
    this.addSql(`create index delivery_recipient_idx on ${s}.delivery (recipient, created_at desc)`);
    this.addSql(`create index delivery_event_idx on ${s}.delivery (event_id)`);
    this.addSql(`create table ${s}.delivery_attempt (
      id bigint generated always as identity primary key,
      delivery_id uuid not null references ${s}.delivery (id) on delete cascade,
      attempt int not null,
      at timestamptz not null,
      outcome text not null,
      http_status int,
      provider_status text,
      provider_message text,
      request_id text,
      duration_ms int not null
    )`);
    this.addSql(`create index delivery_attempt_delivery_idx on ${s}.delivery_attempt (delivery_id, attempt)`);
    this.addSql(`create table ${s}.order_progress (
      order_id text primary key,
      version int not null,
      status text not null,
      updated_at timestamptz not null default now()
    )`);
    this.addSql(`create function ${s}.delivery_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('${deliveryChannel(schema).replace(/'/g, "''")}', '');
        return null;
      end
    $$`);
    this.addSql(`create trigger delivery_notify after insert on ${s}.delivery for each statement execute function ${s}.delivery_notify()`);
  }

  override down(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`drop table if exists ${s}.delivery_attempt, ${s}.delivery, ${s}.order_progress`);
    this.addSql(`drop function if exists ${s}.delivery_notify()`);
  }
}
