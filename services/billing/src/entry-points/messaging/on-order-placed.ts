import type { EventHandler } from '@marketbill/messaging';
import { recordOrderSheet } from '../../use-cases/record-order-sheet';
import { toOrderSheet } from './from-ordering-events';

/** order.placed: a new order sheet (version 1, unpriced) enters billing's view. */
export const onOrderPlaced: EventHandler<'order.placed'> = async (event, ctx) => {
  const sheet = toOrderSheet(ctx.topic, event.order);
  const { applied } = await recordOrderSheet(ctx.em, sheet);
  ctx.logger.debug({ orderId: sheet.orderId, version: sheet.version, applied }, 'order sheet recorded');
};
