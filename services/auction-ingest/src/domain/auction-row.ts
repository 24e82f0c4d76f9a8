import type { AuctionCategory } from '@marketbill/schemas';
import { uuidV5, varietyKey } from './stable-ids';

/** One auction result row: sale day × category × item × variety × auction grade, with its figures. */
export interface AuctionRow {
  saleDate: string;
  category: AuctionCategory;
  item: string;
  variety: string;
  grade: string;
  minPrice: number;
  avgPrice: number;
  maxPrice: number;
  totalAmount: number;
  totalQuantity: number;
}

/** The natural key rows are upserted on. */
export function naturalKeyOf(row: Pick<AuctionRow, 'saleDate' | 'category' | 'item' | 'variety' | 'grade'>): string {
  return `${row.saleDate}|${varietyKey(row.category, row.item, row.variety)}|${row.grade}`;
}

/**
 * The event id of one state of a row: UUID v5 of the natural key, the row's revision and its
 * figures. Re-importing an unchanged row gives the same id. The revision is part of it because a
 * row corrected A → B → A again must produce a new event for the last step, which a consumer
 * deduplicating on event ids would otherwise drop as a repeat of the first.
 */
export function eventIdOf(row: AuctionRow, revision: number): string {
  // A template rather than an array's join: the same text, without an array per event.
  return uuidV5(`${naturalKeyOf(row)}|${revision}|${row.minPrice}|${row.avgPrice}|${row.maxPrice}|${row.totalAmount}|${row.totalQuantity}`);
}
