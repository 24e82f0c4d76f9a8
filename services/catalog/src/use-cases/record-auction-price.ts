import type { EntityManager } from '@mikro-orm/core';
import type { AuctionPriceUpdated } from '@marketbill/schemas';
import { toAuctionPrice } from '../domain/auction-price';
import { applyAuctionPrice } from '../data-access/price-point-repository';

/**
 * Records an auction price: creates the item and variety on first sight, keeps the newest state of
 * the price point and refreshes the variety's summary. Idempotent and order-safe: applying the same
 * event twice, or an older state after a newer one, leaves the newer state.
 */
export async function recordAuctionPrice(em: EntityManager, event: AuctionPriceUpdated): Promise<void> {
  await applyAuctionPrice(em, toAuctionPrice(event));
}
