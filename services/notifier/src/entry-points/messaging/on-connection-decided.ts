import type { EventHandler } from '@marketbill/messaging';
import type { ConnectionDecided } from '@marketbill/schemas';
import { connectionDecidedNotice } from '../../domain/notices';
import { recordDeliveries } from '../../use-cases/record-deliveries';
import type { HandlerDeps } from './handler-deps';
import { toParty } from './from-events';

/** connection.decided: the florist hears the wholesaler's answer. */
export function onConnectionDecided(deps: HandlerDeps): EventHandler<ConnectionDecided> {
  return async (event, ctx) => {
    const notice = connectionDecidedNotice(
      { connectionId: event.connectionId, retailer: toParty(event.retailer, deps.sealer), wholesaler: toParty(event.wholesaler, deps.sealer), decision: event.decision },
      deps.links,
    );
    await recordDeliveries(deps, ctx.em, { eventId: ctx.eventId, topic: ctx.topic }, [notice], ctx.logger);
  };
}
