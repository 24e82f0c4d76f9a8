import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * A reservation's lease names the process working on it (`lease_owner`: its presence lock id), so
 * a reservation left by a killed process is taken over as soon as the process is gone rather than
 * when its lease runs out. `storage_waits` counts attempts that failed because the PDF store was
 * unavailable: they are not failures of the statement and never count towards its release.
 */
export class LeaseOwner extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`alter table ${s}.statement add column lease_owner int, add column storage_waits int not null default 0`);
  }

  override down(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`alter table ${s}.statement drop column lease_owner, drop column storage_waits`);
  }
}
