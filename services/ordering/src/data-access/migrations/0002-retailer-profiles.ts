import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * Retailers' business profiles (issue 11): a florist with a business registration is printed on
 * statements as the 공급받는자 with 등록번호, 상호, 대표자 and address, which the tax office expects.
 */
export class RetailerProfiles extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`create table ${s}.retailer_profiles (
      retailer_id uuid primary key,
      business_number text not null,
      company_name text not null,
      representative text not null,
      address text not null,
      business_type text,
      business_item text,
      version int not null,
      updated_at timestamptz not null
    )`);
  }

  override down(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`drop table if exists ${s}.retailer_profiles`);
  }
}
