import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from '@marketbill/platform';
import { advanceOrderProgress, latestOrderStatus } from '../data-access/order-progress-repository';
import { orderMilestoneNotices, orderPlacedNotice, type Notice, type OrderInfo } from '../domain/notices';
import type { WebLinks } from '../domain/web-links';
import { recordDeliveries, type RecordDeliveriesDeps } from './record-deliveries';

export interface NotifyOrderChangeDeps extends RecordDeliveriesDeps {
  links: WebLinks;
}

/**
 * Decides what an order snapshot (from order.placed or order.updated) means for SMS, and records it.
 *
 * Order snapshots carry a growing `version`, and the two topics are not ordered with each other,
 * so events can arrive late or twice. Only a snapshot newer than every one seen may announce
 * progress (priced, ready, picked up, delivered); each of those goes once per order whatever event
 * carries it (dedupe key order + template). The wholesaler's "new order" comes from order.placed
 * alone, once per order, unless a newer snapshot already showed the order cancelled.
 */
export async function notifyOrderChange(
  deps: NotifyOrderChangeDeps,
  em: EntityManager,
  event: { eventId: string; topic: 'order.placed' | 'order.updated' },
  order: OrderInfo,
  logger: Logger,
): Promise<number> {
  const newest = await advanceOrderProgress(em, order.orderId, order.version, order.status);
  const notices: Notice[] = [];
  if (event.topic === 'order.placed') {
    const latest = newest ? order.status : await latestOrderStatus(em, order.orderId);
    if (latest !== 'CANCELLED') notices.push(orderPlacedNotice(order, deps.links));
  }
  if (newest) notices.push(...orderMilestoneNotices(order, deps.links));
  else logger.debug({ orderId: order.orderId, version: order.version }, 'older order snapshot: no progress to announce');
  return recordDeliveries(deps, em, event, notices, logger);
}
