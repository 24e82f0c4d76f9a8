import { LockMode, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConnectionError } from '../domain/ordering-errors';
import { ConnectionSchema, type Connection, type ConnectionStatus } from './entities';

/** Whether the retailer may trade with the wholesaler: a CONFIRMED connection. */
export async function hasConfirmedConnection(em: EntityManager, retailerId: string, wholesalerId: string): Promise<boolean> {
  return (await em.count(ConnectionSchema, { retailerId, wholesalerId, status: 'CONFIRMED' })) > 0;
}

/** Whether the retailer has a pending or confirmed application to the wholesaler. */
export async function hasLiveConnection(em: EntityManager, retailerId: string, wholesalerId: string): Promise<boolean> {
  return (await em.count(ConnectionSchema, { retailerId, wholesalerId, status: { $in: ['APPLYING', 'CONFIRMED'] } })) > 0;
}

/**
 * Writes a new application at once, so a second live application of the pair racing this one (the
 * partial unique index keeps one) is told here as a duplicate, not at commit as a driver error.
 */
export async function addConnection(em: EntityManager, connection: Connection): Promise<Connection> {
  const created = em.create(ConnectionSchema, connection);
  em.persist(created);
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw ConnectionError.duplicate();
    throw error;
  }
  return created;
}

export function findConnection(em: EntityManager, id: string): Promise<Connection | null> {
  return em.findOne(ConnectionSchema, { id });
}

/** The connection, row-locked until the transaction ends (decided once). */
export function lockConnection(em: EntityManager, id: string): Promise<Connection | null> {
  return em.findOne(ConnectionSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** Connections of a retailer, a wholesaler or both, by status, newest first: one page and the total. */
export function searchConnections(
  em: EntityManager,
  query: { retailerId?: string | undefined; wholesalerId?: string | undefined; status?: ConnectionStatus | undefined; offset: number; limit: number },
): Promise<[Connection[], number]> {
  const where: FilterQuery<Connection> = {
    ...(query.retailerId !== undefined ? { retailerId: query.retailerId } : {}),
    ...(query.wholesalerId !== undefined ? { wholesalerId: query.wholesalerId } : {}),
    ...(query.status ? { status: query.status } : {}),
  };
  return em.findAndCount(ConnectionSchema, where, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: query.limit, offset: query.offset });
}

/** The retailer's connections (any status) to these wholesalers, oldest first. */
export async function connectionsOfRetailer(em: EntityManager, retailerId: string, wholesalerIds: string[]): Promise<Connection[]> {
  if (wholesalerIds.length === 0) return [];
  return em.find(ConnectionSchema, { retailerId, wholesalerId: { $in: wholesalerIds } }, { orderBy: { createdAt: 'asc' } });
}
