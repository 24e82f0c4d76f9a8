import { describe, expect, it } from '@jest/globals';
import { passwordProblems } from './password-policy';

describe('password policy', () => {
  it('When a password is short, letter- or digit-less, spaced or holds the phone, then each broken rule is named', () => {
    expect(passwordProblems('flowers2026')).toEqual([]);
    expect(passwordProblems('abc')).toEqual(['At least 8 characters.', 'At least one digit.']);
    expect(passwordProblems('12345678')).toEqual(['At least one letter.']);
    expect(passwordProblems('flow ers 2026')).toEqual(['No spaces.']);
    expect(passwordProblems('a12345678', '01012345678')).toEqual(['Must not contain the phone number.']);
    expect(passwordProblems('꽃집비번2026')).toEqual([]);
  });
});
