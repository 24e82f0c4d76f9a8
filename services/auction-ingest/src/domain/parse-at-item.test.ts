import { describe, expect, it } from '@jest/globals';
import { CATEGORIES } from './auction-category';
import { parseAmount, parseAtItem } from './parse-at-item';

const cut = CATEGORIES[0]!;
const item = (over: Record<string, unknown> = {}) => ({
  saleDate: '2026-11-24', flowerGubn: '절화', pumName: '장미', goodName: '레드나오미', lvNm: '특',
  maxAmt: '16000', minAmt: '9000', avgAmt: '12350', totAmt: '4199000', totQty: '340', ...over,
});

describe('parseAmount', () => {
  it.each([['12350', 12350], [' 42 ', 42], ['0', 0], [17, 17]])('When the value is %p, then it is %p', (value, expected) => {
    expect(parseAmount(value)).toBe(expected);
  });

  it.each([[''], ['12abc'], ['1,200'], ['12.5'], ['-3'], ['1e3'], [null], [undefined], [1.5], [-1], ['9999999999999999']])(
    'When the value is %p, then it is refused',
    (value) => expect(parseAmount(value)).toBeUndefined(),
  );
});

describe('parseAtItem', () => {
  it('When every field is well formed, then the row carries the parsed figures and the category symbol', () => {
    expect(parseAtItem(item(), { saleDate: '2026-11-24', category: cut })).toEqual({
      ok: true,
      row: { saleDate: '2026-11-24', category: 'CUT_FLOWER', item: '장미', variety: '레드나오미', grade: '특', minPrice: 9000, avgPrice: 12350, maxPrice: 16000, totalAmount: 4199000, totalQuantity: 340 },
    });
  });

  it('When the grade comes as lv instead of lvNm, then it is read from lv', () => {
    const parsed = parseAtItem(item({ lvNm: undefined, lv: '상' }), { saleDate: '2026-11-24', category: cut });
    expect(parsed.ok && parsed.row.grade).toBe('상');
  });

  it('When a number is malformed, then the row is refused naming the field', () => {
    expect(parseAtItem(item({ avgAmt: '12,350' }), { saleDate: '2026-11-24', category: cut })).toEqual({ ok: false, reason: expect.stringContaining('avgAmt') });
  });

  it('When the row belongs to another day than asked, then it is refused', () => {
    expect(parseAtItem(item({ saleDate: '2026-11-23' }), { saleDate: '2026-11-24', category: cut }).ok).toBe(false);
  });

  it('When the variety name is blank, then it is refused', () => {
    expect(parseAtItem(item({ goodName: '  ' }), { saleDate: '2026-11-24', category: cut })).toEqual({ ok: false, reason: 'goodName is missing' });
  });
});
