import type { EntityManager } from '@mikro-orm/core';
import type { AuctionPriceUpdated } from '@marketbill/schemas';
import { toAuctionPrice } from '../domain/auction-price';
import { applyAuctionPrices } from '../data-access/price-point-repository';

/**
 * Records a chunk of auction prices at once (the consumer's batch mode): the same effect as
 * {@link recordAuctionPrice} for each in order, in one statement. An invalid event fails the chunk,
 * which the subscriber then replays event by event, so only that event is dead-lettered.
 */
export async function recordAuctionPrices(em: EntityManager, events: AuctionPriceUpdated[]): Promise<void> {
  await applyAuctionPrices(em, events.map(toAuctionPrice));
}
