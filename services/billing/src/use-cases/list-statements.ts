import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '@marketbill/schemas';
import { scopeQuery } from '../domain/access';
import type { StatementRow } from '../data-access/entities';
import { orderVersions } from '../data-access/order-sheet-repository';
import { listIssuedStatements } from '../data-access/statement-repository';

export interface StatementQuery {
  wholesalerId?: string | undefined;
  retailerId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page: number;
  size: number;
}

export interface StatementListItem {
  statement: StatementRow;
  /** An included order sheet changed after this version was issued. */
  ordersChanged: boolean;
}

/** Issued statements the actor may see (a wholesaler's own, a retailer's own, all for an admin), newest first. */
export async function listStatements(em: EntityManager, actor: Actor, query: StatementQuery): Promise<{ items: StatementListItem[]; page: number; size: number; total: number }> {
  const scope = scopeQuery(actor, query);
  const { items, total } = await listIssuedStatements(em, { ...scope, ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) }, query.page, query.size);
  const versions = await orderVersions(em, [...new Set(items.flatMap((s) => s.content.orders.map((o) => o.orderId)))]);
  return { items: items.map((statement) => ({ statement, ordersChanged: ordersChanged(statement, versions) })), page: query.page, size: query.size, total };
}

export function ordersChanged(statement: StatementRow, versions: Map<string, number>): boolean {
  return statement.content.orders.some((o) => (versions.get(o.orderId) ?? o.orderVersion) > o.orderVersion);
}
