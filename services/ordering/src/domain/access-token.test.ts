import { describe, expect, it } from '@jest/globals';
import { signAccessToken, verifyAccessToken } from './access-token';

describe('access tokens', () => {
  const key = 'k'.repeat(32);
  it('When a token is signed, then it verifies to the same actor until it expires, and not with another key or a changed payload', () => {
    const actor = { accountId: 'acc', role: 'WHOLESALER_STAFF' as const, wholesalerId: 'w' };
    const { token } = signAccessToken(actor, 'session-1', key, 60, 1_000_000);
    expect(verifyAccessToken(token, key, 1_000_000 + 59_000)).toEqual({ actor, sessionId: 'session-1' });
    expect(verifyAccessToken(token, key, 1_000_000 + 60_000)).toBeUndefined();
    expect(verifyAccessToken(token, 'x'.repeat(32), 1_000_000)).toBeUndefined();
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'acc', role: 'ADMIN', sid: 'session-1', iat: 1, exp: 9e9, iss: 'marketbill-ordering' })).toString('base64url');
    expect(verifyAccessToken(`${h}.${forged}.${s}`, key, 1_000_000)).toBeUndefined();
    expect(verifyAccessToken('a.b', key)).toBeUndefined();
  });
});
