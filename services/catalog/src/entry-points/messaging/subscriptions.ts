import type { Subscription } from '@marketbill/messaging';
import { on } from '../../topics';
import { onAuctionPriceUpdated, onAuctionPriceUpdatedBatch } from './on-auction-price-updated';

/** The catalog's subscriptions table (consumer group `catalog`): the one place its consumed topics are declared. */
export const subscriptions: Subscription[] = [on('auction.price.updated', onAuctionPriceUpdated, onAuctionPriceUpdatedBatch)];
