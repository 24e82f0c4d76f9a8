import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * Sign-in history per phone and client address: the streak of failures from that address (the
 * progressive delay makes only that address wait) and when the phone last signed in from it (a
 * known address of the owner needs no SMS code when the phone is under attack from elsewhere).
 */
export class SignInFailures extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`create table ${s}.sign_in_addresses (
      phone text not null,
      client text not null,
      failures int not null default 0,
      last_failure_at timestamptz null,
      last_success_at timestamptz null,
      primary key (phone, client)
    )`);
    this.addSql(`create index sign_in_addresses_seen_idx on ${s}.sign_in_addresses (greatest(last_failure_at, last_success_at))`);
  }
}
