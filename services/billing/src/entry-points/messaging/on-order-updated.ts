import type { EventHandler } from '@marketbill/messaging';
import type { OrderUpdated } from '@marketbill/schemas';
import { recordOrderSheet } from '../../use-cases/record-order-sheet';
import { toOrderSheet } from './from-ordering-events';

/** order.updated: prices, custom lines, cancellation or fulfilment changed; the whole sheet, newest version wins. */
export const onOrderUpdated: EventHandler<OrderUpdated> = async (event, ctx) => {
  const sheet = toOrderSheet(ctx.topic, event.order);
  const { applied } = await recordOrderSheet(ctx.em, sheet);
  ctx.logger.debug({ orderId: sheet.orderId, version: sheet.version, change: event.change, applied }, 'order sheet recorded');
};
