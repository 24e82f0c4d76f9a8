import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '@marketbill/schemas';
import { maySee } from '../domain/access';
import { StatementNotFoundError } from '../domain/billing-errors';
import type { StatementRow } from '../data-access/entities';
import { orderVersions } from '../data-access/order-sheet-repository';
import { findStatement } from '../data-access/statement-repository';
import { ordersChanged, type StatementListItem } from './list-statements';

/** One issued statement with its lines, if the actor may see it (else not found: no existence leak). */
export async function getStatement(em: EntityManager, actor: Actor, id: string): Promise<StatementListItem> {
  const statement = await findVisibleStatement(em, actor, id);
  const versions = await orderVersions(em, statement.content.orders.map((o) => o.orderId));
  return { statement, ordersChanged: ordersChanged(statement, versions) };
}

export async function findVisibleStatement(em: EntityManager, actor: Actor, id: string): Promise<StatementRow> {
  const statement = await findStatement(em, id);
  if (!statement || statement.status !== 'ISSUED' || !maySee(actor, statement)) throw StatementNotFoundError.byId(id);
  return statement;
}
