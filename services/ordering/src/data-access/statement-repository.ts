import type { EntityManager } from '@mikro-orm/postgresql';
import { table } from './sql';

/** A statement billing issued, as far as orders need it: which orders it covers. */
export interface StatementFact {
  statementId: string;
  statementNumber: string;
  version: number;
  issuedAt: number;
  orderIds: string[];
}

/**
 * Points the statement's orders at it, unless they already point at a newer one: a re-issue (same
 * number, higher version) or a later issue replaces the older reference; an older or repeated
 * statement changes nothing. Orders not here are skipped. Answers how many orders changed.
 */
export async function markOrdersOnStatement(em: EntityManager, fact: StatementFact): Promise<number> {
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
