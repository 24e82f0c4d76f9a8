import { describe, expect, it } from '@jest/globals';
import { eventIdOf, mergeDuplicateRows, type AuctionRow } from './auction-row';

const row = (over: Partial<AuctionRow> = {}): AuctionRow => ({
  saleDate: '2026-11-24', category: 'CUT_FLOWER', item: '장미', variety: '비탈', grade: '상',
  minPrice: 5000, avgPrice: 8000, maxPrice: 12000, totalAmount: 800000, totalQuantity: 100, ...over,
});

describe('eventIdOf', () => {
  it('When the same row state is seen twice, then the event id is the same', () => {
    expect(eventIdOf(row(), 1)).toBe(eventIdOf(row(), 1));
  });

  it('When the figures or the revision differ, then the event id differs', () => {
    expect(eventIdOf(row({ avgPrice: 8010 }), 1)).not.toBe(eventIdOf(row(), 1));
    expect(eventIdOf(row(), 3)).not.toBe(eventIdOf(row(), 1));
  });
});

describe('mergeDuplicateRows', () => {
  it('When two rows share a natural key, then they fold into one with summed volumes and a weighted average', () => {
    const { rows, merged } = mergeDuplicateRows([
      row(),
      row({ grade: '특' }),
      row({ minPrice: 4000, avgPrice: 10000, maxPrice: 15000, totalAmount: 1_000_000, totalQuantity: 100 }),
    ]);
    expect(merged).toBe(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual(row({ minPrice: 4000, avgPrice: 9000, maxPrice: 15000, totalAmount: 1_800_000, totalQuantity: 200 }));
  });
});
