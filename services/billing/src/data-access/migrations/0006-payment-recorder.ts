import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * A payment is always recorded by someone: the owner or staff account that entered it (only a
 * statement's charge is written by billing itself). The column stays nullable for charges; the
 * check makes the rule the database's, so the payment answer can promise `recordedBy`.
 */
export class PaymentRecorder extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`alter table ${s}.ledger_entry
      add constraint ledger_entry_payment_recorded_by check (kind = 'CHARGE' or recorded_by is not null)`);
  }

  override down(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`alter table ${s}.ledger_entry drop constraint ledger_entry_payment_recorded_by`);
  }
}
