import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startOrdering, type OrderingHarness } from '../../testing/ordering-harness';

jest.setTimeout(90_000);

// Two edges on the real stack: one reached directly (nothing trusted, the default), one behind a
// proxy on loopback (TRUSTED_PROXIES=127.0.0.1), as the production overlay configures its ingress.
let direct: OrderingHarness;
let proxied: OrderingHarness;
beforeAll(async () => {
  direct = await startOrdering({ RATE_LIMIT_SIGN_IN_PER_IP: '3' });
  proxied = await startOrdering({ RATE_LIMIT_SIGN_IN_PER_IP: '3', TRUSTED_PROXIES: '127.0.0.1' });
});
afterAll(async () => {
  await direct?.stop();
  await proxied?.stop();
});

const signIn = (h: OrderingHarness, xff: string) =>
  h.call('POST', '/v1/auth/sign-in', { body: { phone: h.nextPhone(), password: 'not-the-password1' }, headers: { 'x-forwarded-for': xff } });

describe('the client address', () => {
  it('When a client reached directly sends its own X-Forwarded-For, then it is ignored and the per-address limit holds', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn(direct, `198.51.100.${i}`)).status).toBe(401);
    // Past the limit, a fresh forged address per attempt changes nothing.
    for (let i = 10; i < 20; i++) {
      const answer = await signIn(direct, `198.51.100.${i}`);
      expect(answer.status).toBe(429);
      expect(answer.body.code).toBe('too-many-sign-in-attempts');
    }
  });

  it('When the edge sits behind a trusted proxy, then each client has its own limit and forged entries to the left are not believed', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn(proxied, '203.0.113.10')).status).toBe(401);
    expect((await signIn(proxied, '203.0.113.10')).status).toBe(429);
    // The same client prepending forged addresses: the proxy appended its real one last.
    expect((await signIn(proxied, `198.51.100.77, 203.0.113.10`)).status).toBe(429);
    // Another client behind the same proxy is not affected.
    expect((await signIn(proxied, '203.0.113.11')).status).toBe(401);
  });
});
