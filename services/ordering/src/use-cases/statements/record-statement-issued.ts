import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '@marketbill/platform';
import { markOrdersOnStatement, type StatementFact } from '../../data-access/statement-repository';
import { isUuid } from '../../domain/ids';

export type { StatementFact };

/**
 * Marks the orders a statement covers as having one. Idempotent and order-proof: an order points
 * at the newest statement it is on — a re-issue (same number, higher version) or a later issue
 * replaces the older reference; an older or repeated event changes nothing. Orders we do not know
 * (not ours, or deleted) are skipped.
 */
export async function recordStatementIssued(em: EntityManager, fact: StatementFact): Promise<number> {
  if (!isUuid(fact.statementId) || fact.orderIds.some((id) => !isUuid(id))) {
    throw ValidationError.field('orders', 'The statement or one of its orders has no valid id.');
  }
  return markOrdersOnStatement(em, fact);
}
