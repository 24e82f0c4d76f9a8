import { describe, expect, it } from '@jest/globals';
import { formatKrw, koreanAmountInWords, toKoreanNumerals } from './korean-amount';

describe('Korean numerals for amounts', () => {
  it.each([
    [0, '영'],
    [1, '일'],
    [10, '일십'],
    [15, '일십오'],
    [100, '일백'],
    [1_000, '일천'],
    [10_000, '일만'],
    [100_001, '일십만일'],
    [123_000, '일십이만삼천'],
    [1_000_000, '일백만'],
    [20_030_400, '이천삼만사백'],
    [100_000_000, '일억'],
    [1_234_567_890, '일십이억삼천사백오십육만칠천팔백구십'],
    [3_000_000_000_000, '삼조'],
    // The largest balance the system accepts, and the largest integer a statement can hold at all.
    [9_999_999_999_999, '구조구천구백구십구억구천구백구십구만구천구백구십구'],
    [10_000_000_000_000, '일십조'],
    [Number.MAX_SAFE_INTEGER, '구천칠조일천구백구십이억오천사백칠십사만구백구십일'],
  ])('When %i is written out, then it reads %s', (value, words) => {
    expect(toKoreanNumerals(value)).toBe(words);
  });

  it('When a total is written as the statement amount line, then it reads 일금 … 원정', () => {
    expect(koreanAmountInWords(123_000)).toBe('일금 일십이만삼천 원정');
  });

  it('When the value is negative or fractional, then it is refused', () => {
    expect(() => toKoreanNumerals(-1)).toThrow(RangeError);
    expect(() => toKoreanNumerals(1.5)).toThrow(RangeError);
  });

  it('When amounts are formatted, then they carry thousands separators', () => {
    expect(formatKrw(0)).toBe('0');
    expect(formatKrw(999)).toBe('999');
    expect(formatKrw(1_000)).toBe('1,000');
    expect(formatKrw(1_234_567)).toBe('1,234,567');
    expect(formatKrw(-50_000)).toBe('-50,000');
    expect(formatKrw(9_999_999_999_999)).toBe('9,999,999,999,999');
  });
});
