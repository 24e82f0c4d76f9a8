import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { sensMessagesPath, sensSignature } from './sens-signature';

describe('SENS request signature', () => {
  it('When a request is signed, then the signature is base64 HMAC-SHA256 over "POST {path}\\n{timestamp}\\n{accessKey}"', () => {
    const path = sensMessagesPath('ncp:sms:kr:1234:test');
    expect(path).toBe('/sms/v2/services/ncp:sms:kr:1234:test/messages');
    const signature = sensSignature({ method: 'POST', path, timestamp: '1764040000000', accessKey: 'AK', secretKey: 'secret' });
    const expected = createHmac('sha256', 'secret').update('POST /sms/v2/services/ncp:sms:kr:1234:test/messages\n1764040000000\nAK').digest('base64');
    expect(signature).toBe(expected);
    expect(Buffer.from(signature, 'base64')).toHaveLength(32);
  });

  it('When any signed part changes, then the signature changes', () => {
    const base = { method: 'POST', path: '/p', timestamp: '1', accessKey: 'AK', secretKey: 'secret' };
    const s = sensSignature(base);
    expect(sensSignature({ ...base, timestamp: '2' })).not.toBe(s);
    expect(sensSignature({ ...base, accessKey: 'AK2' })).not.toBe(s);
    expect(sensSignature({ ...base, secretKey: 'other' })).not.toBe(s);
    expect(sensSignature({ ...base, path: '/q' })).not.toBe(s);
  });
});
