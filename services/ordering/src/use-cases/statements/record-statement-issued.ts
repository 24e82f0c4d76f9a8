import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '@marketbill/platform';
import { table } from '../../data-access/sql';
import { isUuid } from '../../domain/ids';

export interface StatementFact {
  statementId: string;
  statementNumber: string;
  version: number;
  issuedAt: number;
  orderIds: string[];
}

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
  if (fact.orderIds.length === 0) return 0;
  const rows = await em.execute<Array<{ id: string }>>(
    `update ${table(em, 'orders')} set statement_id = ?, statement_number = ?, statement_version = ?, statement_issued_at = ?
      where id in (${fact.orderIds.map(() => '?').join(', ')})
        and (statement_id is null
             or (statement_number = ? and statement_version < ?)
             or (statement_number <> ? and statement_issued_at < ?))
      returning id`,
    [fact.statementId, fact.statementNumber, fact.version, new Date(fact.issuedAt), ...fact.orderIds, fact.statementNumber, fact.version, fact.statementNumber, new Date(fact.issuedAt)],
  );
  return rows.length;
}
