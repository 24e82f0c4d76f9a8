import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { AUCTION_ID_NAMESPACE, itemIdOf, uuidV5, varietyIdOf } from './stable-ids';

describe('stable ids', () => {
  it('When hashing the RFC 9562 example name, then the UUID v5 matches the published one', () => {
    // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('When deriving item and variety ids, then they are v5 UUIDs of the documented names in our namespace', () => {
    expect(itemIdOf('CUT_FLOWER', '장미')).toBe(uuidV5('CUT_FLOWER|장미', AUCTION_ID_NAMESPACE));
    expect(varietyIdOf('CUT_FLOWER', '장미', '레드나오미')).toBe('bcc63149-363f-5c9f-8fc2-0ed39ec0a27f');
    expect(varietyIdOf('FOLIAGE', '장미', '레드나오미')).not.toBe(varietyIdOf('CUT_FLOWER', '장미', '레드나오미'));
  });

  it('When hashing short, Korean and very long names in turn, then each id is the textbook SHA-1 construction of that name alone', () => {
    // The fast path hashes from one reused buffer: a long name between two short ones must not
    // leave bytes behind, and a name longer than the buffer takes the other path.
    const textbook = (name: string, namespace: string) => {
      const bytes = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest().subarray(0, 16);
      bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
      bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
      const hex = bytes.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    };
    const names = ['', 'a', '2026-11-25|CUT_FLOWER|장미|레드나오미|특1|1|8000|7500|12000|90000|12', '장'.repeat(700), 'b', 'x'.repeat(5_000), '특', 'ü'.repeat(1_100)];
    for (let i = 0; i < 300; i++) names.push(`2026-11-${String(1 + (i % 28)).padStart(2, '0')}|ORCHID|심비디움|품종${i}|상|${i}`);
    for (const namespace of [AUCTION_ID_NAMESPACE, '6ba7b810-9dad-11d1-80b4-00c04fd430c8']) {
      for (const name of names) expect(uuidV5(name, namespace)).toBe(textbook(name, namespace));
    }
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(RangeError);
  });
});
