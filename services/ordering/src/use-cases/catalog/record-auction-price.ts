import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '@marketbill/platform';
import { upsertAuctionPrice, upsertAuctionPrices, type AuctionPriceFact } from '../../data-access/catalog-repository';
import { isUuid } from '../../domain/ids';

export type { AuctionPriceFact };

/**
 * Feeds the local catalog read model: the variety (ids and names, as catalog keys them) and the
 * latest auction result per auction grade. Correct when events come twice or out of order (see
 * upsertAuctionPrice). An event without ids (written before auction-ingest set them) cannot be
 * keyed: refused for good.
 */
export async function recordAuctionPrice(em: EntityManager, fact: AuctionPriceFact): Promise<void> {
  assertKeyed(fact);
  await upsertAuctionPrice(em, fact);
}

/**
 * {@link recordAuctionPrice} for a chunk at once (the consumer's batch mode), in one statement. An
 * event without ids fails the chunk, which the subscriber then replays event by event, so only that
 * event is refused.
 */
export async function recordAuctionPrices(em: EntityManager, facts: readonly AuctionPriceFact[]): Promise<void> {
  facts.forEach(assertKeyed);
  await upsertAuctionPrices(em, facts);
}

function assertKeyed(fact: AuctionPriceFact): void {
  if (!isUuid(fact.varietyId) || !isUuid(fact.itemId)) throw ValidationError.field('varietyId', 'The event carries no variety or item id.');
}
