import { Migration, quoteIdentifier } from '@marketbill/platform';

/** Billing's view of retailers' business profiles (retailer.profile.updated): the 공급받는자 of statements. */
export class RetailerProfiles extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`create table ${s}.retailer_profile (
      retailer_id uuid primary key,
      version int not null,
      business_number text not null,
      company_name text not null,
      representative text not null,
      address text not null,
      business_type text null,
      business_item text null,
      updated_at timestamptz not null default now()
    )`);
  }

  override down(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`drop table if exists ${s}.retailer_profile`);
  }
}
