import type { EventHandler } from '@marketbill/messaging';
import type { Sealer } from '@marketbill/platform';
import { connectionDecidedNotice, connectionRequestedNotice, statementIssuedNotice, verificationNotice } from '../../domain/notices';
import { notifyOrderChange, type NotifyOrderChangeDeps } from '../../use-cases/notify-order-change';
import { recordDeliveries } from '../../use-cases/record-deliveries';
import { toOrderInfo, toParty, toVerificationRequest } from './to-domain';

/**
 * The notifier's event handlers. Each maps its event to notices and records the deliveries in the
 * subscriber's transaction (the inbox entry and the deliveries commit together); none sends an SMS.
 * An event that cannot become an SMS throws a non-retriable UnsendableEventError, and the
 * subscriber puts it on the topic's dead-letter topic.
 */
export interface Handlers {
  onVerificationRequested: EventHandler<'account.verification.requested'>;
  onConnectionRequested: EventHandler<'connection.requested'>;
  onConnectionDecided: EventHandler<'connection.decided'>;
  onOrderPlaced: EventHandler<'order.placed'>;
  onOrderUpdated: EventHandler<'order.updated'>;
  onStatementIssued: EventHandler<'statement.issued'>;
}

export function createHandlers(deps: NotifyOrderChangeDeps & { sealer: Sealer }): Handlers {
  return {
    async onVerificationRequested(event, ctx) {
      const notice = verificationNotice(toVerificationRequest(event, deps.sealer));
      await recordDeliveries(deps, ctx.em, { eventId: ctx.eventId, topic: ctx.topic }, [notice], ctx.logger);
    },

    async onConnectionRequested(event, ctx) {
      const notice = connectionRequestedNotice(
        { connectionId: event.connectionId, retailer: toParty(event.retailer, deps.sealer), wholesaler: toParty(event.wholesaler, deps.sealer) },
        deps.links,
      );
      await recordDeliveries(deps, ctx.em, { eventId: ctx.eventId, topic: ctx.topic }, [notice], ctx.logger);
    },

    async onConnectionDecided(event, ctx) {
      const notice = connectionDecidedNotice(
        { connectionId: event.connectionId, retailer: toParty(event.retailer, deps.sealer), wholesaler: toParty(event.wholesaler, deps.sealer), decision: event.decision },
        deps.links,
      );
      await recordDeliveries(deps, ctx.em, { eventId: ctx.eventId, topic: ctx.topic }, [notice], ctx.logger);
    },

    async onOrderPlaced(event, ctx) {
      await notifyOrderChange(deps, ctx.em, { eventId: ctx.eventId, topic: 'order.placed' }, toOrderInfo(event.order, deps.sealer), ctx.logger);
    },

    async onOrderUpdated(event, ctx) {
      await notifyOrderChange(deps, ctx.em, { eventId: ctx.eventId, topic: 'order.updated' }, toOrderInfo(event.order, deps.sealer), ctx.logger);
    },

    async onStatementIssued(event, ctx) {
      const notice = statementIssuedNotice(
        {
          statementId: event.statementId,
          statementNumber: event.statementNumber,
          version: event.version,
          wholesaler: toParty(event.wholesaler, deps.sealer),
          retailer: toParty(event.retailer, deps.sealer),
          total: event.total,
          balance: event.balance,
        },
        deps.links,
      );
      await recordDeliveries(deps, ctx.em, { eventId: ctx.eventId, topic: ctx.topic }, [notice], ctx.logger);
    },
  };
}
