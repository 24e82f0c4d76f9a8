import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * Statement numbers handed back by an issue that was undone (its PDF could not be rendered) after
 * another statement of the same wholesaler had taken the next number: the next reservation of that
 * month takes the smallest of them before the counter moves on, so no number is skipped.
 */
export class StatementNumberPool extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`create table ${s}.statement_number_pool (
      wholesaler_id uuid not null,
      period text not null,
      sequence int not null,
      primary key (wholesaler_id, period, sequence)
    )`);
  }
}
