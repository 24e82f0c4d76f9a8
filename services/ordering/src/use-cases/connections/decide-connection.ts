import { randomUUID } from 'node:crypto';
import { publish } from '../../topics';
import { NotFoundError } from '@marketbill/platform';
import { lockConnection } from '../../data-access/connection-repository';
import { actingWholesaler, type Actor } from '../../domain/actor';
import { ConnectionError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';
import type { ConnectionDetails } from './list-connections';
import { loadParties } from '../parties';

/**
 * The wholesaler's owner or staff approves (CONFIRMED) or rejects (REJECTED) a pending application
 * to their own wholesaler; the retailer hears of it through `connection.decided`.
 */
export async function decideConnection(ctx: UseCaseContext, actor: Actor, connectionId: string, decision: 'CONFIRMED' | 'REJECTED'): Promise<ConnectionDetails> {
  const wholesalerId = actingWholesaler(actor);
  return ctx.tx(async (em) => {
    const connection = await lockConnection(em, connectionId);
    if (!connection || connection.wholesalerId !== wholesalerId) throw NotFoundError.of('connection', connectionId);
    if (connection.status !== 'APPLYING') throw ConnectionError.notPending();
    const now = ctx.now();
    Object.assign(connection, { status: decision, decidedBy: actor.accountId, decidedAt: now, updatedAt: now });
    const parties = await loadParties(ctx.settings, em, connection.retailerId, connection.wholesalerId);
    publish(em, 'connection.decided', connection.id, { eventId: randomUUID(), occurredAt: now.getTime(), connectionId: connection.id, ...parties, decision });
    return { connection, retailer: parties.retailer, wholesaler: parties.wholesaler };
  });
}
