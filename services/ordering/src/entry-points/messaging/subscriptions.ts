import { on, type Subscription } from '@marketbill/messaging';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAuctionPrice } from '../../use-cases/catalog/record-auction-price';
import { recordStatementIssued } from '../../use-cases/statements/record-statement-issued';

/**
 * What ordering consumes (consumer group `ordering`). Handlers map the event to the use case's
 * input at this edge; the subscriber gives them a transaction and drops repeats by event id.
 */
export const subscriptions: Subscription[] = [
  on('auction.price.updated', async (event, ctx) => {
    await recordAuctionPrice(ctx.em as EntityManager, {
      itemId: event.itemId,
      varietyId: event.varietyId,
      category: event.category,
      item: event.item,
      variety: event.variety,
      grade: event.grade,
      saleDate: event.saleDate,
      minPrice: event.minPrice,
      avgPrice: event.avgPrice,
      maxPrice: event.maxPrice,
      totalQuantity: event.totalQuantity,
      occurredAt: event.occurredAt,
    });
  }),
  on('statement.issued', async (event, ctx) => {
    const updated = await recordStatementIssued(ctx.em as EntityManager, {
      statementId: event.statementId,
      statementNumber: event.statementNumber,
      version: event.version,
      issuedAt: event.issuedAt,
      orderIds: event.orders.map((o) => o.orderId),
    });
    ctx.logger.debug({ statementId: event.statementId, ordersUpdated: updated }, 'statement recorded on orders');
  }),
];
