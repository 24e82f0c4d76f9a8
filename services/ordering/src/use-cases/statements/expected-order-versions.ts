import { NotFoundError } from '@marketbill/platform';
import { openOrderVersionsOf, orderVersionsOf } from '../../data-access/order-repository';
import { owningWholesaler, type Actor } from '../../domain/actor';
import type { UseCaseContext } from '../context';

export type StatementRequest = { orderIds: string[] } | { retailerId: string; day: string };

/**
 * The order sheets a statement request covers, with the version each has *here*, where orders are
 * written. Billing keeps its own view of orders from events, so right after the wholesaler sets the
 * last price its view may still be one version behind; billing waits (briefly) until its view has
 * at least these versions before judging "unpriced", instead of refusing what the wholesaler has
 * just priced. The orders must be the owner's own (404 otherwise, as billing would answer).
 */
export async function expectedOrderVersions(ctx: UseCaseContext, actor: Actor, request: StatementRequest): Promise<Record<string, number>> {
  const wholesalerId = owningWholesaler(actor);
  const orders =
    'orderIds' in request
      ? await orderVersionsOf(ctx.em, wholesalerId, request.orderIds)
      : await openOrderVersionsOf(ctx.em, wholesalerId, request.retailerId, request.day);
  if ('orderIds' in request) {
    const found = new Set(orders.map((o) => o.id));
    const missing = request.orderIds.find((id) => !found.has(id));
    if (missing) throw NotFoundError.of('order', missing);
  }
  return Object.fromEntries(orders.map((o) => [o.id, o.version]));
}
