import type { AuctionCategory, AuctionPriceUpdated } from '@marketbill/schemas';
import { createBoundedMemo, isDay } from '@marketbill/platform';
import { InvalidAuctionPriceEventError } from './catalog-errors';

/** One price point as the catalog keeps it: variety × auction grade × sale day. */
export interface AuctionPrice {
  itemId: string;
  varietyId: string;
  category: AuctionCategory;
  itemName: string;
  varietyName: string;
  saleDate: string;
  grade: string;
  minPrice: number;
  avgPrice: number;
  maxPrice: number;
  totalAmount: number;
  totalQuantity: number;
  /** Orders states of the same row: revision first, then occurredAt (for producers without revisions). */
  revision: number;
  occurredAt: number;
  eventId: string;
}

// The few sale days of a stream of events, each checked with isDay once (a backfill brings about a
// thousand events per day and category). Bounded: a long-lived consumer sees a new day each day
// (and a wrong one is remembered as wrong, within the same bound).
const checkedDays = createBoundedMemo(1_000, isDay);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks an event and maps it to the catalog's own type; throws InvalidAuctionPriceEventError. */
export function toAuctionPrice(event: AuctionPriceUpdated): AuctionPrice {
  if (!UUID.test(event.itemId) || !UUID.test(event.varietyId)) throw InvalidAuctionPriceEventError.because('itemId and varietyId must be UUIDs');
  if (!checkedDays.get(event.saleDate)) throw InvalidAuctionPriceEventError.because(`saleDate is not a day: ${event.saleDate}`);
  const itemName = event.item.trim();
  const varietyName = event.variety.trim();
  const grade = event.grade.trim();
  if (!itemName || !varietyName || !grade) throw InvalidAuctionPriceEventError.because('item, variety and grade must not be blank');
  for (const [name, value] of Object.entries({ minPrice: event.minPrice, avgPrice: event.avgPrice, maxPrice: event.maxPrice, totalAmount: event.totalAmount, totalQuantity: event.totalQuantity })) {
    if (!Number.isSafeInteger(value) || value < 0) throw InvalidAuctionPriceEventError.because(`${name} must be a non-negative integer`);
  }
  return {
    itemId: event.itemId.toLowerCase(),
    varietyId: event.varietyId.toLowerCase(),
    category: event.category,
    itemName,
    varietyName,
    saleDate: event.saleDate,
    grade,
    minPrice: event.minPrice,
    avgPrice: event.avgPrice,
    maxPrice: event.maxPrice,
    totalAmount: event.totalAmount,
    totalQuantity: event.totalQuantity,
    revision: event.revision ?? 0,
    occurredAt: event.occurredAt,
    eventId: event.eventId,
  };
}
