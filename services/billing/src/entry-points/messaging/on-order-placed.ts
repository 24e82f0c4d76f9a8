import type { EventHandler } from '@marketbill/messaging';
import type { OrderPlaced } from '@marketbill/schemas';
import { recordOrderSheet } from '../../use-cases/record-order-sheet';
import { toOrderSheet } from './from-ordering-events';

/** order.placed: a new order sheet (version 1, unpriced) enters billing's view. */
export const onOrderPlaced: EventHandler<OrderPlaced> = async (event, ctx) => {
  const sheet = toOrderSheet(ctx.topic, event.order);
  const { applied } = await recordOrderSheet(ctx.em, sheet);
  ctx.logger.debug({ orderId: sheet.orderId, version: sheet.version, applied }, 'order sheet recorded');
};
