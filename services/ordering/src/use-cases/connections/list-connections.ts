import { NotFoundError } from '@marketbill/platform';
import { findAccountsByIds } from '../../data-access/account-repository';
import { findConnection, searchConnections } from '../../data-access/connection-repository';
import type { Account, Connection, ConnectionStatus } from '../../data-access/entities';
import { canSee, type Actor } from '../../domain/actor';
import type { Page, PageRequest, UseCaseContext } from '../context';

export interface ConnectionDetails {
  connection: Connection;
  retailer: Pick<Account, 'name'> | undefined;
  wholesaler: Pick<Account, 'name'> | undefined;
}

/** Connections the caller is party to (a retailer its applications; a wholesaler those it received; ADMIN all). */
export async function listConnections(ctx: UseCaseContext, actor: Actor, query: PageRequest & { status?: ConnectionStatus | undefined }): Promise<Page<ConnectionDetails>> {
  const [rows, total] = await searchConnections(ctx.em, {
    ...(actor.role === 'RETAILER' ? { retailerId: actor.accountId } : {}),
    ...(actor.role === 'WHOLESALER_OWNER' || actor.role === 'WHOLESALER_STAFF' ? { wholesalerId: actor.wholesalerId ?? '' } : {}),
    status: query.status,
    limit: query.size,
    offset: query.page * query.size,
  });
  return { items: await withParties(ctx, rows), page: query.page, size: query.size, total };
}

export async function getConnection(ctx: UseCaseContext, actor: Actor, connectionId: string): Promise<ConnectionDetails> {
  const connection = await findConnection(ctx.em, connectionId);
  if (!connection || !canSee(actor, connection)) throw NotFoundError.of('connection', connectionId);
  return (await withParties(ctx, [connection]))[0] as ConnectionDetails;
}

export async function withParties(ctx: UseCaseContext, rows: Connection[]): Promise<ConnectionDetails[]> {
  const accounts = await findAccountsByIds(ctx.em, rows.flatMap((c) => [c.retailerId, c.wholesalerId]));
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return rows.map((connection) => ({ connection, retailer: byId.get(connection.retailerId), wholesaler: byId.get(connection.wholesalerId) }));
}
