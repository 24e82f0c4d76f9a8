import type { AuctionPriceUpdated, AuctionSource } from '@marketbill/schemas';
import { eventIdOf, type AuctionRow } from './auction-row';
import { itemIdOf, varietyIdOf } from './stable-ids';

/** The `auction.price.updated` event of a row that was just inserted (revision 1) or corrected. */
export function toPriceUpdatedEvent(row: AuctionRow & { revision: number; updatedAt: Date }, source: AuctionSource): AuctionPriceUpdated {
  return {
    eventId: eventIdOf(row, row.revision),
    occurredAt: row.updatedAt.getTime(),
    saleDate: row.saleDate,
    category: row.category,
    item: row.item,
    variety: row.variety,
    grade: row.grade,
    minPrice: row.minPrice,
    avgPrice: row.avgPrice,
    maxPrice: row.maxPrice,
    totalAmount: row.totalAmount,
    totalQuantity: row.totalQuantity,
    change: row.revision === 1 ? 'NEW' : 'CHANGED',
    source,
    itemId: itemIdOf(row.category, row.item),
    varietyId: varietyIdOf(row.category, row.item, row.variety),
    revision: row.revision,
  };
}
