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
});
