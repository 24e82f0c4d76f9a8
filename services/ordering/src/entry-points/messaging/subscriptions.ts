import type { Subscription } from '@marketbill/messaging';
import { on } from '../../topics';
import { onAuctionPriceUpdated, onAuctionPriceUpdatedBatch } from './on-auction-price-updated';
import { onStatementIssued } from './on-statement-issued';

/**
 * Ordering's subscriptions table (consumer group `ordering`): the one place its consumed topics are
 * declared. Each handler maps its event to the use case's input; the subscriber gives it a
 * transaction and drops repeats by event id.
 */
export const subscriptions: Subscription[] = [
  on('auction.price.updated', onAuctionPriceUpdated, onAuctionPriceUpdatedBatch),
  on('statement.issued', onStatementIssued),
];
