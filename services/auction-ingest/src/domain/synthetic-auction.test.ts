import { describe, expect, it } from '@jest/globals';
import { createAtServerEmulator } from '../clients/at-server-emulator';
import { CATEGORIES } from './auction-category';
import { naturalKeyOf } from './auction-row';
import { parseAtItem, type AtItem } from './parse-at-item';
import { syntheticCatalogue, syntheticSaleLots } from './synthetic-auction';

const options = { seed: 'test-seed' };

/** The synthetic day as the replay server answers it (grouped by the model of the aT server). */
function answeredDay(day: string, code: number): AtItem[] {
  const category = CATEGORIES[code - 1]!;
  const emulator = createAtServerEmulator({ keys: { k: {} }, lotsOf: () => syntheticSaleLots(day, category, options) });
  const answer = emulator.answer({ method: 'GET', url: `/api/returnData.api?kind=f001&serviceKey=k&baseDate=${day}&flowerGubn=${code}&dataType=json&countPerPage=50000`, accept: undefined });
  return (JSON.parse(answer.body) as { response: { items: AtItem[] } }).response.items;
}

describe('synthetic auction days', () => {
  it('When the same day is generated twice, then it is identical; another seed gives other data', () => {
    const a = syntheticSaleLots('2026-03-04', CATEGORIES[0]!, options);
    expect(syntheticSaleLots('2026-03-04', CATEGORIES[0]!, options)).toEqual(a);
    expect(syntheticSaleLots('2026-03-04', CATEGORIES[0]!, { seed: 'other' })).not.toEqual(a);
  });

  it('When the day is a Sunday, then there is no auction', () => {
    expect(syntheticSaleLots('2026-03-08', CATEGORIES[0]!, options)).toEqual([]);
  });

  it.each(CATEGORIES.map((c) => ({ symbol: c.symbol, category: c })))('When a $symbol day is answered, then it has about 1000 valid rows of the real shape with unique natural keys', ({ category }) => {
    const items = answeredDay('2026-03-04', category.code);
    expect(items.length).toBeGreaterThan(800);
    expect(items.length).toBeLessThan(1200);
    const keys = new Set<string>();
    let averagesNotTimesQuantity = 0;
    for (const item of items) {
      expect(Object.values(item).every((v) => typeof v === 'string')).toBe(true);
      expect(item.flowerGubn).toBe(category.koreanName);
      const parsed = parseAtItem(item, { saleDate: '2026-03-04', category });
      if (!parsed.ok) throw new Error(parsed.reason);
      const r = parsed.row;
      expect(r.minPrice).toBeLessThanOrEqual(r.avgPrice);
      expect(r.avgPrice).toBeLessThanOrEqual(r.maxPrice);
      // avgAmt = ROUND(SUM(totAmt) / SUM(totQty)): rows sold in several lots do not multiply back.
      expect(r.avgPrice).toBe(Math.round(r.totalAmount / r.totalQuantity));
      if (r.avgPrice * r.totalQuantity !== r.totalAmount) averagesNotTimesQuantity++;
      keys.add(naturalKeyOf(r));
    }
    expect(keys.size).toBe(items.length);
    expect(averagesNotTimesQuantity).toBeGreaterThan(items.length / 20);
  });

  it('When cut flowers are answered, then grades are named like the auction’s (특1, 특2 …)', () => {
    const grades = new Set(answeredDay('2026-03-04', 1).map((i) => i.lvNm));
    expect(grades.has('특1')).toBe(true);
    expect(grades.has('특2')).toBe(true);
  });

  it('When the four catalogues are counted, then there are more than 5000 varieties, real names included', () => {
    const all = CATEGORIES.flatMap((c) => syntheticCatalogue(c.symbol, 'test-seed', 1500));
    expect(new Set(all.map((v) => `${v.item.name}|${v.name}`)).size).toBeGreaterThan(5000);
    expect(all.some((v) => v.item.name === '장미' && v.name === '레드나오미')).toBe(true);
  });
});
