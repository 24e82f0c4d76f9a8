import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { publish } from '@marketbill/messaging';
import { AccountSchema, ConnectionSchema } from '../../data-access/entities';
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
  try {
    return await ctx.tx(async (em) => {
      const owner = await em.findOne(AccountSchema, { id: input.wholesalerId, role: 'WHOLESALER_OWNER', disabledAt: null });
      if (!owner) throw ConnectionError.wholesalerNotFound(input.wholesalerId);
      const live = await em.count(ConnectionSchema, { retailerId: actor.accountId, wholesalerId: owner.id, status: { $in: ['APPLYING', 'CONFIRMED'] } });
      if (live > 0) throw ConnectionError.duplicate();
      const now = ctx.now();
      const connection = em.create(ConnectionSchema, {
        id: randomUUID(),
        retailerId: actor.accountId,
        wholesalerId: owner.id,
        status: 'APPLYING',
        decidedBy: null,
        decidedAt: null,
        createdAt: now,
        updatedAt: now,
      });
      em.persist(connection);
      const parties = await loadParties(ctx.settings, em, actor.accountId, owner.id);
      publish(em, 'connection.requested', connection.id, { eventId: randomUUID(), occurredAt: now.getTime(), connectionId: connection.id, ...parties });
      return { connection, retailer: parties.retailer, wholesaler: parties.wholesaler };
    });
  } catch (error) {
    // Two applications racing: the partial unique index keeps one.
    if (error instanceof UniqueConstraintViolationException) throw ConnectionError.duplicate();
    throw error;
  }
}
