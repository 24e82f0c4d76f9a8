import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * Phone numbers now travel sealed for the notifier (Party.sealedPhone, sealedOwnerPhone): billing
 * keeps the sealed value to pass it on in statement.issued and never sees the number. The clear
 * columns stay, nullable, for rows written before.
 */
export class SealedPhones extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`alter table ${s}.order_sheet
      alter column wholesaler_phone drop not null,
      alter column retailer_phone drop not null,
      add column wholesaler_sealed_phone text null,
      add column retailer_sealed_phone text null`);
    this.addSql(`alter table ${s}.wholesaler_profile
      alter column owner_phone drop not null,
      add column sealed_owner_phone text null`);
  }
}
