import type { EventHandler } from '@marketbill/messaging';
import type { OrderUpdated } from '@marketbill/schemas';
import { notifyOrderChange } from '../../use-cases/notify-order-change';
import type { HandlerDeps } from './handler-deps';
import { toOrderInfo } from './from-events';

/** order.updated: progress the florist hears of (priced, ready, picked up, delivered), once each. */
export function onOrderUpdated(deps: HandlerDeps): EventHandler<OrderUpdated> {
  return async (event, ctx) => {
    await notifyOrderChange(deps, ctx.em, { eventId: ctx.eventId, topic: 'order.updated' }, toOrderInfo(event.order, deps.sealer), ctx.logger);
  };
}
