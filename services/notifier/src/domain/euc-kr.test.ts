import { describe, expect, it } from '@jest/globals';
import { eucKrByteLength, isEucKrEncodable, toEucKrText } from './euc-kr';

describe('EUC-KR byte counting', () => {
  it('When text mixes ASCII and Hangul, then ASCII counts one byte and each syllable two', () => {
    expect(eucKrByteLength('abc')).toBe(3);
    expect(eucKrByteLength('장미')).toBe(4);
    expect(eucKrByteLength('[마켓빌] 123')).toBe(1 + 6 + 1 + 1 + 3);
  });

  it('When a syllable exists only in CP949 (똠), then it still counts two bytes', () => {
    expect(isEucKrEncodable('똠')).toBe(true);
    expect(eucKrByteLength('똠')).toBe(2);
  });

  it('When symbols of the KS X 1001 table appear (·, …, ①), then they count two bytes', () => {
    expect(eucKrByteLength('·…①')).toBe(6);
  });

  it('When a character is outside EUC-KR (emoji, ₩), then it is not encodable and counts two bytes', () => {
    expect(isEucKrEncodable('꽃🌸')).toBe(false);
    expect(isEucKrEncodable('₩')).toBe(false);
    expect(eucKrByteLength('🌸')).toBe(2);
  });

  it('When a name holds emoji, tabs and non-breaking spaces, then the cleaned text keeps only EUC-KR with single spaces', () => {
    expect(toEucKrText('  꽃담🌸\u00a0플라워\t\n상회 ')).toBe('꽃담 플라워 상회');
    expect(toEucKrText('🌸🌸')).toBe('');
  });

  it('When Hangul arrives decomposed (NFD), then it is recomposed before encoding', () => {
    const decomposed = '장미'.normalize('NFD');
    expect(toEucKrText(decomposed)).toBe('장미');
  });
});
