import type { EventHandler } from '@marketbill/messaging';
import type { ConnectionRequested } from '@marketbill/schemas';
import { connectionRequestedNotice } from '../../domain/notices';
import { recordDeliveries } from '../../use-cases/record-deliveries';
import type { HandlerDeps } from './handler-deps';
import { toParty } from './from-events';

/** connection.requested: the wholesaler hears that a florist asks to connect. */
export function onConnectionRequested(deps: HandlerDeps): EventHandler<ConnectionRequested> {
  return async (event, ctx) => {
    const notice = connectionRequestedNotice(
      { connectionId: event.connectionId, retailer: toParty(event.retailer, deps.sealer), wholesaler: toParty(event.wholesaler, deps.sealer) },
      deps.links,
    );
    await recordDeliveries(deps, ctx.em, { eventId: ctx.eventId, topic: ctx.topic }, [notice], ctx.logger);
  };
}
