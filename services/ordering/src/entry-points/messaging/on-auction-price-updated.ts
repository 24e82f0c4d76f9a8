import type { BatchEventHandler, EventHandler } from '@marketbill/messaging';
import type { AuctionPriceUpdated } from '@marketbill/schemas';
import { recordAuctionPrice, recordAuctionPrices, type AuctionPriceFact } from '../../use-cases/catalog/record-auction-price';

function toFact(event: AuctionPriceUpdated): AuctionPriceFact {
  return {
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
  };
}

/** auction.price.updated: the item, the variety and its latest price enter ordering's small catalog read model. */
export const onAuctionPriceUpdated: EventHandler<AuctionPriceUpdated> = async (event, ctx) => {
  await recordAuctionPrice(ctx.em, toFact(event));
};

/**
 * The same event's batch handler: a chunk at once in one statement (a day's import is a thousand
 * events per category; one by one that was two statements each). When a chunk fails, the
 * subscriber replays its events one by one through {@link onAuctionPriceUpdated}.
 */
export const onAuctionPriceUpdatedBatch: BatchEventHandler<AuctionPriceUpdated> = async (events, ctx) => {
  await recordAuctionPrices(ctx.em, events.map(toFact));
};
