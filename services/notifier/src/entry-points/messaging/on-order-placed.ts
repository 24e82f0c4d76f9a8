import type { EventHandler } from '@marketbill/messaging';
import type { OrderPlaced } from '@marketbill/schemas';
import { notifyOrderChange } from '../../use-cases/notify-order-change';
import type { HandlerDeps } from './handler-deps';
import { toOrderInfo } from './from-events';

/** order.placed: the wholesaler's "new order", and whatever progress the snapshot already shows. */
export function onOrderPlaced(deps: HandlerDeps): EventHandler<OrderPlaced> {
  return async (event, ctx) => {
    await notifyOrderChange(deps, ctx.em, { eventId: ctx.eventId, topic: 'order.placed' }, toOrderInfo(event.order, deps.sealer), ctx.logger);
  };
}
