import { describe, expect, it } from '@jest/globals';
import { normalisePhone } from './phone';

describe('phone numbers', () => {
  it('When a number is written with dashes, spaces or +82, then it is normalised; anything else is refused', () => {
    expect(normalisePhone('010-1234-5678')).toBe('01012345678');
    expect(normalisePhone('+82 10 1234 5678')).toBe('01012345678');
    expect(normalisePhone('011-123-4567')).toBe('0111234567');
    expect(normalisePhone('02-579-1234')).toBeUndefined();
    expect(normalisePhone('0101234567890')).toBeUndefined();
  });
});
