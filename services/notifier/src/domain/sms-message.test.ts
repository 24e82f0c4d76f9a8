import { describe, expect, it } from '@jest/globals';
import { composeSms, fitBytes, LMS_MAX_BYTES, MessageTooLongError, SMS_MAX_BYTES } from './sms-message';

describe('SMS or LMS by EUC-KR length', () => {
  it('When the text is exactly 80 bytes, then it goes as SMS without a subject', () => {
    const text = '가'.repeat(40);
    expect(composeSms('t', text, '[마켓빌] 제목')).toEqual({ type: 'SMS', subject: null, text, byteLength: SMS_MAX_BYTES });
  });

  it('When the text is 81 bytes, then it goes as LMS with the subject', () => {
    const text = `${'가'.repeat(40)}a`;
    expect(composeSms('t', text, '[마켓빌] 제목')).toMatchObject({ type: 'LMS', subject: '[마켓빌] 제목', byteLength: 81 });
  });

  it('When 41 Korean characters are 41 UTF-16 units but 82 bytes, then the byte count decides (LMS)', () => {
    expect(composeSms('t', '가'.repeat(41), 's').type).toBe('LMS');
  });

  it('When the text is longer than an LMS holds, then it is refused with a stable code', () => {
    let error: unknown;
    try {
      composeSms('order-placed', 'a'.repeat(LMS_MAX_BYTES + 1), 's');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MessageTooLongError);
    expect((error as MessageTooLongError).code).toBe('sms-too-long');
    expect((error as MessageTooLongError).retriable).toBe(false);
  });

  it('When a subject is longer than 40 bytes, then it is cut at a character boundary', () => {
    expect(fitBytes('가'.repeat(30), 40)).toBe('가'.repeat(20));
    expect(fitBytes(`a${'가'.repeat(30)}`, 40)).toBe(`a${'가'.repeat(19)}`);
  });
});
