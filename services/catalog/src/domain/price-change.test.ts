import { describe, expect, it } from '@jest/globals';
import { compareGrades, priceChange } from './price-change';

describe('priceChange', () => {
  it('When there is a previous day, then the change and its rate are given', () => {
    expect(priceChange(10_500, 10_000)).toEqual({ avgChange: 500, avgChangeRate: 0.05 });
    expect(priceChange(9_000, 12_000)).toEqual({ avgChange: -3_000, avgChangeRate: -0.25 });
  });

  it('When there is no previous day, or it was free, then the rate is null', () => {
    expect(priceChange(10_000, undefined)).toEqual({ avgChange: null, avgChangeRate: null });
    expect(priceChange(10_000, 0)).toEqual({ avgChange: 10_000, avgChangeRate: null });
  });

  it('When grades are sorted, then the usual auction order comes first and unknown grades follow by name', () => {
    expect(['하', '상', 'B', '특', 'A', '보'].sort(compareGrades)).toEqual(['특', '상', '보', '하', 'A', 'B']);
  });
});
