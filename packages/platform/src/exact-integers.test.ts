import { describe, expect, it } from '@jest/globals';
import { addExact, multiplyExact, subtractExact, sumExact } from './exact-integers';

describe('exact integer arithmetic', () => {
  it('When results fit, then they are exact, even where intermediate sums pass 2^53', () => {
    expect(addExact(10 ** 13, 10 ** 13)).toBe(2 * 10 ** 13);
    expect(subtractExact(0, Number.MAX_SAFE_INTEGER)).toBe(-Number.MAX_SAFE_INTEGER);
    expect(multiplyExact(1_000_000, 100_000_000)).toBe(10 ** 14);
    expect(sumExact([Number.MAX_SAFE_INTEGER, 1, -2])).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(sumExact([])).toBe(0);
  });

  it('When a result or an operand leaves the safe range, then a RangeError instead of a rounded number', () => {
    // 2^53 + 1 in floating point is 2^53: exactly the silent error these refuse.
    expect(Number.MAX_SAFE_INTEGER + 2).toBe(Number.MAX_SAFE_INTEGER + 1);
    expect(() => addExact(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
    expect(() => multiplyExact(2 ** 27, 2 ** 27)).toThrow(RangeError);
    expect(() => sumExact([1.5])).toThrow(RangeError);
    expect(() => addExact(2 ** 53, 0)).toThrow(RangeError);
  });
});
