import { describe, expect, it } from '@jest/globals';
import { normaliseBusinessNumber } from './business-number';

describe('business registration number', () => {
  it('When the check digit is right, then the 10 digits are answered; a wrong check digit or length is refused', () => {
    expect(normaliseBusinessNumber('220-81-62517')).toBe('2208162517');
    expect(normaliseBusinessNumber('2208162518')).toBeUndefined();
    expect(normaliseBusinessNumber('220816251')).toBeUndefined();
    expect(normaliseBusinessNumber('123-45-67891')).toBe('1234567891');
  });
});
