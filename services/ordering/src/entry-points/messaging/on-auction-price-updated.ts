import type { EventHandler } from '@marketbill/messaging';
import type { AuctionPriceUpdated } from '@marketbill/schemas';
import { recordAuctionPrice } from '../../use-cases/catalog/record-auction-price';

/** auction.price.updated: the item, the variety and its latest price enter ordering's small catalog read model. */
export const onAuctionPriceUpdated: EventHandler<AuctionPriceUpdated> = async (event, ctx) => {
  await recordAuctionPrice(ctx.em, {
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
};
