import type { FilterQuery } from '@mikro-orm/core';
import { NotFoundError } from '@marketbill/platform';
import { AccountSchema, ConnectionSchema, type Account, type Connection, type ConnectionStatus } from '../../data-access/entities';
import { canSee, type Actor } from '../../domain/actor';
import type { Page, PageRequest, UseCaseContext } from '../context';

export interface ConnectionDetails {
  connection: Connection;
  retailer: Pick<Account, 'name'> | undefined;
  wholesaler: Pick<Account, 'name'> | undefined;
}

/** Connections the caller is party to (a retailer its applications; a wholesaler those it received; ADMIN all). */
export async function listConnections(ctx: UseCaseContext, actor: Actor, query: PageRequest & { status?: ConnectionStatus | undefined }): Promise<Page<ConnectionDetails>> {
  const where: FilterQuery<Connection> = {
    ...(actor.role === 'RETAILER' ? { retailerId: actor.accountId } : {}),
    ...(actor.role === 'WHOLESALER_OWNER' || actor.role === 'WHOLESALER_STAFF' ? { wholesalerId: actor.wholesalerId ?? '' } : {}),
    ...(query.status ? { status: query.status } : {}),
  };
  const [rows, total] = await ctx.em.findAndCount(ConnectionSchema, where, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: query.size, offset: query.page * query.size });
  return { items: await withParties(ctx, rows), page: query.page, size: query.size, total };
}

export async function getConnection(ctx: UseCaseContext, actor: Actor, connectionId: string): Promise<ConnectionDetails> {
  const connection = await ctx.em.findOne(ConnectionSchema, { id: connectionId });
  if (!connection || !canSee(actor, connection)) throw NotFoundError.of('connection', connectionId);
  return (await withParties(ctx, [connection]))[0] as ConnectionDetails;
}

export async function withParties(ctx: UseCaseContext, rows: Connection[]): Promise<ConnectionDetails[]> {
  const ids = [...new Set(rows.flatMap((c) => [c.retailerId, c.wholesalerId]))];
  const accounts = ids.length > 0 ? await ctx.em.find(AccountSchema, { id: { $in: ids } }) : [];
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return rows.map((connection) => ({ connection, retailer: byId.get(connection.retailerId), wholesaler: byId.get(connection.wholesalerId) }));
}
