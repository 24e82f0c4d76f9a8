import { on, type Subscription } from '@marketbill/messaging';
import { onAuctionPriceUpdated, onAuctionPricesUpdated } from './on-auction-price-updated';

/** Everything the catalog consumes (consumer group `catalog`). */
export const subscriptions: Subscription[] = [on('auction.price.updated', onAuctionPriceUpdated, onAuctionPricesUpdated)];
