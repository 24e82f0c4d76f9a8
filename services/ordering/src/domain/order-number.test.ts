import { describe, expect, it } from '@jest/globals';
import { formatOrderNumber } from './order-number';

describe('order numbers', () => {
  it('When an order number is made, then it is YYMMDD-NNNNNN of the Seoul day', () => {
    expect(formatOrderNumber('2026-11-26', 42)).toBe('261126-000042');
    expect(formatOrderNumber('2026-01-02', 1_234_567)).toBe('260102-1234567');
  });
});
