import { describe, expect, it } from '@jest/globals';
import { corruptPng, sealPng } from '../testing/seal-png';
import { assertDecodablePng, isPublicAddress } from './seal-image-client';

describe('seal fetch guards', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', 'not-an-ip'])(
    'When the address is %s, then it is not public',
    (address) => expect(isPublicAddress(address)).toBe(false),
  );

  it.each(['8.8.8.8', '211.234.1.1', '2001:4860:4860::8888'])('When the address is %s, then it is public', (address) => expect(isPublicAddress(address)).toBe(true));

  it('When a PNG decodes, then it passes; broken pixels or a huge canvas are refused', () => {
    expect(() => assertDecodablePng(sealPng(64))).not.toThrow();
    expect(() => assertDecodablePng(corruptPng())).toThrow(/does not decode/);
    const huge = Buffer.from(sealPng(64));
    huge.writeUInt32BE(50_000, 16);
    huge.writeUInt32BE(50_000, 20);
    expect(() => assertDecodablePng(huge)).toThrow(/too large/);
    expect(() => assertDecodablePng(sealPng(64).subarray(0, 40))).toThrow();
  });
});
