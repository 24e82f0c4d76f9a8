import { describe, expect, it } from '@jest/globals';
import { CATEGORIES } from './auction-category';
import { naturalKeyOf } from './auction-row';
import { parseAtItem } from './parse-at-item';
import { syntheticAuctionDay, syntheticCatalogue } from './synthetic-auction';

const options = { seed: 'test-seed' };

describe('syntheticAuctionDay', () => {
  it('When the same day is generated twice, then it is identical; another seed gives other data', () => {
    const a = syntheticAuctionDay('2026-03-04', CATEGORIES[0]!, options);
    expect(syntheticAuctionDay('2026-03-04', CATEGORIES[0]!, options)).toEqual(a);
    expect(syntheticAuctionDay('2026-03-04', CATEGORIES[0]!, { seed: 'other' })).not.toEqual(a);
  });

  it('When the day is a Sunday, then there is no auction', () => {
    expect(syntheticAuctionDay('2026-03-08', CATEGORIES[0]!, options)).toEqual([]);
  });

  it.each(CATEGORIES.map((c) => ({ symbol: c.symbol, category: c })))('When a $symbol day is generated, then it has about 1000 valid rows with unique natural keys', ({ category }) => {
    const items = syntheticAuctionDay('2026-03-04', category, options);
    expect(items.length).toBeGreaterThan(800);
    expect(items.length).toBeLessThan(1200);
    const keys = new Set<string>();
    for (const item of items) {
      const parsed = parseAtItem(item, { saleDate: '2026-03-04', category });
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parsed.row.minPrice).toBeLessThanOrEqual(parsed.row.avgPrice);
      expect(parsed.row.avgPrice).toBeLessThanOrEqual(parsed.row.maxPrice);
      expect(parsed.row.totalAmount).toBe(parsed.row.avgPrice * parsed.row.totalQuantity);
      keys.add(naturalKeyOf(parsed.row));
    }
    expect(keys.size).toBe(items.length);
  });

  it('When the four catalogues are counted, then there are more than 5000 varieties, real names included', () => {
    const all = CATEGORIES.flatMap((c) => syntheticCatalogue(c.symbol, 'test-seed', 1500));
    expect(new Set(all.map((v) => `${v.item.name}|${v.name}`)).size).toBeGreaterThan(5000);
    expect(all.some((v) => v.item.name === '장미' && v.name === '레드나오미')).toBe(true);
  });
});
