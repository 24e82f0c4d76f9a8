import { describe, expect, it } from '@jest/globals';
import { createSealer, UnreadableSealedValueError } from './sealing';

const keyA = 'a'.repeat(43);
const keyB = 'b'.repeat(43);

describe('sealed event fields', () => {
  it('When a value is sealed, then it is opaque, differs each time, and opens for the same context only', () => {
    const sealer = createSealer({ current: keyA });
    const one = sealer.seal('123456', 'verification:v1:code');
    const two = sealer.seal('123456', 'verification:v1:code');
    expect(one).not.toContain('123456');
    expect(one).not.toBe(two);
    expect(sealer.open(one, 'verification:v1:code')).toBe('123456');
    expect(() => sealer.open(one, 'verification:v2:code')).toThrow(UnreadableSealedValueError);
  });

  it('When the key rotates, then values sealed under the previous key still open; an unknown key or a changed byte does not', () => {
    const old = createSealer({ current: keyA }).seal('01012345678', 'party:p:phone');
    const rotated = createSealer({ current: keyB, previous: [keyA] });
    expect(rotated.open(old, 'party:p:phone')).toBe('01012345678');
    expect(() => createSealer({ current: keyB }).open(old, 'party:p:phone')).toThrow(/unknown key/);
    const parts = old.split('.');
    const body = Buffer.from(parts[3] as string, 'base64url');
    body[0] = (body[0] as number) ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => rotated.open(parts.join('.'), 'party:p:phone')).toThrow(/altered/);
    expect(() => rotated.open('01012345678', 'party:p:phone')).toThrow(/not a sealed value/);
    expect(() => createSealer({ current: 'short' })).toThrow(/32 characters/);
  });
});
