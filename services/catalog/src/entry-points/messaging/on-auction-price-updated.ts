import type { BatchEventHandler, EventHandler } from '@marketbill/messaging';
import type { AuctionPriceUpdated } from '@marketbill/schemas';
import { recordAuctionPrice } from '../../use-cases/record-auction-price';
import { recordAuctionPrices } from '../../use-cases/record-auction-prices';

/** auction.price.updated: the price history and the item/variety it belongs to. */
export const onAuctionPriceUpdated: EventHandler<AuctionPriceUpdated> = async (event, ctx) => {
  await recordAuctionPrice(ctx.em, event);
};

/**
 * The same event's batch handler: a chunk of auction.price.updated at once, in one statement
 * (backfills, catch-up). It lives beside the per-event handler because it is the same subscription:
 * when a chunk fails, the subscriber replays its events one by one through {@link onAuctionPriceUpdated}.
 */
export const onAuctionPriceUpdatedBatch: BatchEventHandler<AuctionPriceUpdated> = async (events, ctx) => {
  await recordAuctionPrices(ctx.em, events);
};
