import type { BuyerGrade } from './grade';

/** The latest auction result of one auction grade of a variety (from the read model). */
export interface AuctionGradePrice {
  auctionGrade: string;
  saleDate: string;
  avgPrice: number;
  totalQuantity: number;
}

/**
 * How the aT auction's grade names map onto MarketBill's buyer grades. The auction grades a
 * variety uses vary (특1/특2/상/보통, 1등/2등/3등, 특/상/중/하 …); we rank them into three bands:
 * the top band (특1, 특, 특상, 특품, 1등) is 상 UPPER, the next (특2, 특3, 상, 상품, 2등) is
 * 중 MIDDLE, and the rest (보통, 중, 하, 중품, 하품, 3등, 등외) is 하 LOWER. An auction grade not
 * in the table maps to no buyer grade; it still counts in the all-grades fallback.
 */
const BANDS: Record<BuyerGrade, readonly string[]> = {
  UPPER: ['특1', '특', '특상', '특품', '1등'],
  MIDDLE: ['특2', '특3', '상', '상품', '2등'],
  LOWER: ['보통', '중', '하', '중품', '하품', '3등', '등외'],
};

export function buyerGradeOf(auctionGrade: string): BuyerGrade | undefined {
  const name = auctionGrade.replace(/\s/g, '');
  return (Object.keys(BANDS) as BuyerGrade[]).find((g) => BANDS[g].includes(name));
}

export interface PriceSuggestion {
  unitPrice: number;
  /** GRADE: from the auction grades of this buyer grade; ALL_GRADES: none of those traded, so all grades. */
  basis: 'GRADE' | 'ALL_GRADES';
  saleDate: string;
  auctionGrades: string[];
}

/**
 * A suggested unit price for a buyer grade: the quantity-weighted average of the auction averages
 * of the matching auction grades on their latest auction day, rounded to 10 won. When no matching
 * grade was ever auctioned, all grades of the latest day are used instead (basis ALL_GRADES).
 * Null when the variety has no auction result at all.
 */
export function suggestPrice(prices: readonly AuctionGradePrice[], grade: BuyerGrade): PriceSuggestion | null {
  const matching = prices.filter((p) => buyerGradeOf(p.auctionGrade) === grade);
  const basis = matching.length > 0 ? 'GRADE' : 'ALL_GRADES';
  const pool = matching.length > 0 ? matching : prices;
  if (pool.length === 0) return null;
  const saleDate = pool.reduce((latest, p) => (p.saleDate > latest ? p.saleDate : latest), '');
  const day = pool.filter((p) => p.saleDate === saleDate);
  const quantity = day.reduce((s, p) => s + p.totalQuantity, 0);
  const average = quantity > 0 ? day.reduce((s, p) => s + p.avgPrice * p.totalQuantity, 0) / quantity : day.reduce((s, p) => s + p.avgPrice, 0) / day.length;
  return { unitPrice: Math.round(average / 10) * 10, basis, saleDate, auctionGrades: day.map((p) => p.auctionGrade).sort() };
}
