import { randomUUID } from 'node:crypto';
import { publish } from '../../topics';
import { findActiveOwner } from '../../data-access/account-repository';
import { addConnection, hasLiveConnection } from '../../data-access/connection-repository';
import { assertRole, type Actor } from '../../domain/actor';
import { ConnectionError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';
import type { ConnectionDetails } from './list-connections';
import { loadParties } from '../parties';

/**
 * A retailer applies to trade with a wholesaler (거래처 신청). A pending or confirmed application
 * to the same wholesaler is a duplicate (409); after a rejection the retailer may apply again.
 * The wholesaler hears of it through `connection.requested`.
 */
export async function applyForConnection(ctx: UseCaseContext, actor: Actor, input: { wholesalerId: string }): Promise<ConnectionDetails> {
  assertRole(actor, ['RETAILER']);
  return ctx.tx(async (em) => {
    const owner = await findActiveOwner(em, input.wholesalerId);
    if (!owner) throw ConnectionError.wholesalerNotFound(input.wholesalerId);
    if (await hasLiveConnection(em, actor.accountId, owner.id)) throw ConnectionError.duplicate();
    const now = ctx.now();
    // Two applications racing: the partial unique index keeps one, and addConnection tells the other it is a duplicate.
    const connection = await addConnection(em, {
      id: randomUUID(),
      retailerId: actor.accountId,
      wholesalerId: owner.id,
      status: 'APPLYING',
      decidedBy: null,
      decidedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    const parties = await loadParties(ctx.settings, em, actor.accountId, owner.id);
    publish(em, 'connection.requested', connection.id, { eventId: randomUUID(), occurredAt: now.getTime(), connectionId: connection.id, ...parties });
    return { connection, retailer: parties.retailer, wholesaler: parties.wholesaler };
  });
}
