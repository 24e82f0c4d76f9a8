import type { AuctionPriceUpdated } from '@marketbill/schemas';
import type { BatchHandlerContext, HandlerContext } from '@marketbill/messaging';
import { recordAuctionPrice } from '../../use-cases/record-auction-price';
import { recordAuctionPrices } from '../../use-cases/record-auction-prices';

/** `auction.price.updated` → the price history and the item/variety it belongs to. */
export async function onAuctionPriceUpdated(event: AuctionPriceUpdated, ctx: HandlerContext): Promise<void> {
  await recordAuctionPrice(ctx.em, event);
}

/** The same for a chunk of `auction.price.updated` events at once (batch mode: backfills, catch-up). */
export async function onAuctionPricesUpdated(events: AuctionPriceUpdated[], ctx: BatchHandlerContext): Promise<void> {
  await recordAuctionPrices(ctx.em, events);
}
