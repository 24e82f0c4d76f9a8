import { describe, expect, it } from '@jest/globals';
import { CATEGORIES } from './auction-category';
import { parseAmount, parseAtItem } from './parse-at-item';

const cut = CATEGORIES[0]!;
// The shape of a live answer's item (aT's own documentation page shows 특1; published answers 특2).
const item = (over: Record<string, unknown> = {}) => ({
  saleDate: '2026-11-24', flowerGubn: '절화', pumName: '장미', goodName: '레드나오미', lvNm: '특1',
  maxAmt: '16000', minAmt: '9000', avgAmt: '12351', totAmt: '4199300', totQty: '340', ...over,
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
  it('When every field is well formed, then the row carries the figures as sent — avgAmt is not totAmt ÷ totQty re-derived', () => {
    expect(parseAtItem(item(), { saleDate: '2026-11-24', category: cut })).toEqual({
      ok: true,
      row: { saleDate: '2026-11-24', category: 'CUT_FLOWER', item: '장미', variety: '레드나오미', grade: '특1', minPrice: 9000, avgPrice: 12351, maxPrice: 16000, totalAmount: 4199300, totalQuantity: 340 },
    });
  });

  it('When the grade comes as lv instead of lvNm, then it is read from lv', () => {
    const parsed = parseAtItem(item({ lvNm: undefined, lv: '상' }), { saleDate: '2026-11-24', category: cut });
    expect(parsed.ok && parsed.row.grade).toBe('상');
  });

  it('When a number is malformed, then the row is refused naming the field', () => {
    expect(parseAtItem(item({ avgAmt: '12,350' }), { saleDate: '2026-11-24', category: cut })).toEqual({ ok: false, reason: expect.stringContaining('avgAmt') });
  });

  it('When a figure is "" (a NULL in the aT database), then the row is refused saying so', () => {
    expect(parseAtItem(item({ maxAmt: '' }), { saleDate: '2026-11-24', category: cut })).toEqual({ ok: false, reason: 'maxAmt is empty (NULL in the aT database)' });
  });

  it('When the row belongs to another day than asked, then it is refused', () => {
    expect(parseAtItem(item({ saleDate: '2026-11-23' }), { saleDate: '2026-11-24', category: cut }).ok).toBe(false);
  });

  it('When saleDate is not a calendar day, then the row is refused saying so, also between well-formed rows of the same day', () => {
    // The day asked for is checked once and remembered: a bad row after good ones must still be caught.
    expect(parseAtItem(item(), { saleDate: '2026-11-24', category: cut }).ok).toBe(true);
    expect(parseAtItem(item({ saleDate: '2026-11-31' }), { saleDate: '2026-11-24', category: cut })).toEqual({ ok: false, reason: 'saleDate is not a day: 2026-11-31' });
    expect(parseAtItem(item({ saleDate: '20261124' }), { saleDate: '2026-11-24', category: cut })).toEqual({ ok: false, reason: 'saleDate is not a day: 20261124' });
    expect(parseAtItem(item({ saleDate: '2026-11-23' }), { saleDate: '2026-11-24', category: cut })).toEqual({ ok: false, reason: 'saleDate 2026-11-23 is not the day asked for (2026-11-24)' });
    // A day asked for that is no day refuses its rows even when they repeat it.
    expect(parseAtItem(item({ saleDate: '2026-02-30' }), { saleDate: '2026-02-30', category: cut })).toEqual({ ok: false, reason: 'saleDate is not a day: 2026-02-30' });
    expect(parseAtItem(item(), { saleDate: '2026-11-24', category: cut }).ok).toBe(true);
  });

  it('When the row names another category (its Korean name) than asked, then it is refused', () => {
    expect(parseAtItem(item({ flowerGubn: '관엽' }), { saleDate: '2026-11-24', category: cut })).toEqual({ ok: false, reason: expect.stringContaining('관엽') });
    expect(parseAtItem(item({ flowerGubn: '관엽' }), { saleDate: '2026-11-24', category: CATEGORIES[1]! }).ok).toBe(true);
  });

  it('When the variety name is blank, then it is refused', () => {
    expect(parseAtItem(item({ goodName: '  ' }), { saleDate: '2026-11-24', category: cut })).toEqual({ ok: false, reason: 'goodName is missing' });
  });
});
