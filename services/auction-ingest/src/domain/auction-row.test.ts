import { describe, expect, it } from '@jest/globals';
import { eventIdOf, naturalKeyOf, type AuctionRow } from './auction-row';

const row = (over: Partial<AuctionRow> = {}): AuctionRow => ({
  saleDate: '2026-11-24', category: 'CUT_FLOWER', item: '장미', variety: '비탈', grade: '특1',
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

describe('naturalKeyOf', () => {
  it('When two rows differ only in their figures, then they have the same natural key; another grade is another key', () => {
    expect(naturalKeyOf(row({ totalQuantity: 1 }))).toBe(naturalKeyOf(row()));
    expect(naturalKeyOf(row({ grade: '특2' }))).not.toBe(naturalKeyOf(row()));
  });
});
