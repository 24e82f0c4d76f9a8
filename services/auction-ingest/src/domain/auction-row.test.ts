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

  it('When a row state is given, then its event id is the one every earlier version derived (consumers deduplicate on it)', () => {
    // Pinned: UUID v5 of `<natural key>|<revision>|<min>|<avg>|<max>|<amount>|<quantity>` in our namespace.
    expect(eventIdOf(row(), 1)).toBe('419df21a-ec4a-533b-a076-773750ad1ee9');
    expect(eventIdOf(row(), 2)).toBe('ef829b34-0265-5103-80c5-670de07fc308');
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
