import type { AuctionCategory } from '@marketbill/schemas';

/** One aT auction category (`flowerGubn`). */
export interface CategoryInfo {
  /** The `flowerGubn` request parameter. */
  code: 1 | 2 | 3 | 4;
  /** The Avro symbol carried by events. */
  symbol: AuctionCategory;
  /** The name the API writes in each item's `flowerGubn` field. */
  koreanName: string;
}

/** The four categories the aT flower auction publishes, in `flowerGubn` order. */
export const CATEGORIES: readonly CategoryInfo[] = [
  { code: 1, symbol: 'CUT_FLOWER', koreanName: '절화' },
  { code: 2, symbol: 'FOLIAGE', koreanName: '관엽' },
  { code: 3, symbol: 'ORCHID', koreanName: '난' },
  { code: 4, symbol: 'SPRING_ORCHID', koreanName: '춘란' },
];

/** The category of a `flowerGubn` code; throws a RangeError for anything else (a caller's bug). */
export function categoryOfCode(code: number): CategoryInfo {
  const found = CATEGORIES.find((c) => c.code === code);
  if (!found) throw new RangeError(`unknown flowerGubn ${code}`);
  return found;
}

/** The category of an Avro symbol. */
export function categoryOfSymbol(symbol: AuctionCategory): CategoryInfo {
  return CATEGORIES.find((c) => c.symbol === symbol) as CategoryInfo;
}
