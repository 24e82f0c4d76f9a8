import { Migration, quoteIdentifier } from '@marketbill/platform';

/**
 * An idempotency claim names the process that holds it (`owner`: its presence lock id) and carries
 * a token that changes when another request takes the claim over, so a claim left by a killed
 * process is taken over as soon as its owner is gone, and the original request, should it still
 * be running, can no longer complete it. Rows from before have no owner and fall back to the age rule.
 */
export class IdempotencyOwner extends Migration {
  override up(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`alter table ${s}.idempotency_keys add column owner int, add column claim_token uuid`);
  }

  override down(): void {
    const s = quoteIdentifier(this.config.get('schema') as string);
    this.addSql(`alter table ${s}.idempotency_keys drop column owner, drop column claim_token`);
  }
}
