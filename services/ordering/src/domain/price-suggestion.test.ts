import { describe, expect, it } from '@jest/globals';
import { buyerGradeOf, suggestPrice } from './price-suggestion';

describe('price suggestions', () => {
  const prices = [
    { auctionGrade: '특1', saleDate: '2026-11-24', avgPrice: 13_000, totalQuantity: 100 },
    { auctionGrade: '특2', saleDate: '2026-11-24', avgPrice: 9_000, totalQuantity: 50 },
    { auctionGrade: '상', saleDate: '2026-11-20', avgPrice: 7_000, totalQuantity: 50 },
    { auctionGrade: '보통', saleDate: '2026-11-24', avgPrice: 5_000, totalQuantity: 10 },
  ];
  it('When auction grades are named, then they map onto buyer grades by band', () => {
    expect(buyerGradeOf('특1')).toBe('UPPER');
    expect(buyerGradeOf(' 특2 ')).toBe('MIDDLE');
    expect(buyerGradeOf('보통')).toBe('LOWER');
    expect(buyerGradeOf('A')).toBeUndefined();
  });
  it('When several auction grades fall in a band, then the latest day’s quantity-weighted average is suggested, rounded to 10 won', () => {
    expect(suggestPrice(prices, 'UPPER')).toEqual({ unitPrice: 13_000, basis: 'GRADE', saleDate: '2026-11-24', auctionGrades: ['특1'] });
    expect(suggestPrice(prices, 'MIDDLE')).toEqual({ unitPrice: 9_000, basis: 'GRADE', saleDate: '2026-11-24', auctionGrades: ['특2'] });
    expect(suggestPrice([{ auctionGrade: '1등', saleDate: 'd', avgPrice: 1001, totalQuantity: 1 }, { auctionGrade: '특', saleDate: 'd', avgPrice: 2000, totalQuantity: 3 }], 'UPPER')?.unitPrice).toBe(1750);
  });
  it('When no auction grade of the band traded, then all grades of the latest day are used; with no data, null', () => {
    expect(suggestPrice([{ auctionGrade: 'A', saleDate: 'd', avgPrice: 4000, totalQuantity: 0 }], 'LOWER')).toEqual({ unitPrice: 4000, basis: 'ALL_GRADES', saleDate: 'd', auctionGrades: ['A'] });
    expect(suggestPrice([], 'UPPER')).toBeNull();
  });
});
