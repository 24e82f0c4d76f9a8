import type { AuctionPriceUpdated } from '@marketbill/schemas';
import type { HandlerContext } from '@marketbill/messaging';
import { recordAuctionPrice } from '../../use-cases/record-auction-price';

/** `auction.price.updated` → the price history and the item/variety it belongs to. */
export async function onAuctionPriceUpdated(event: AuctionPriceUpdated, ctx: HandlerContext): Promise<void> {
  await recordAuctionPrice(ctx.em, event);
}
