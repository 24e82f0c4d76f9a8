import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startOrdering, type OrderingHarness, type TestAccount } from '../../testing/ordering-harness';

jest.setTimeout(120_000);

// Two edges of one deployment (same schema, same keys): a revocation made through one must stop the
// access token on both within a second.
let a: OrderingHarness;
let b: OrderingHarness;
let admin: TestAccount;
let owner: TestAccount;
beforeAll(async () => {
  a = await startOrdering();
  b = await startOrdering({}, { replicaOf: a });
  admin = await a.account('ADMIN');
  owner = await a.account('WHOLESALER_OWNER');
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

/** Polls both edges with the token until both refuse it; answers how long that took after `since`. */
async function refusedWithin(token: string, since: number): Promise<number> {
  for (;;) {
    const [onA, onB] = await Promise.all([a.call('GET', '/v1/me', { token }), b.call('GET', '/v1/me', { token })]);
    if (onA.status === 401 && onB.status === 401) {
      expect([onA.body.code, onB.body.code]).toEqual(['session-revoked', 'session-revoked']);
      return Date.now() - since;
    }
    if (Date.now() - since > 5_000) throw new Error(`still accepted after 5 s: ${onA.status} / ${onB.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fresh sign-in through edge A, used on both edges (so both have it cached). */
async function session(account: TestAccount) {
  const signedIn = await a.call('POST', '/v1/auth/sign-in', { body: { phone: account.phone, password: account.password } });
  expect(signedIn.status).toBe(200);
  expect((await a.call('GET', '/v1/me', { token: signedIn.body.accessToken })).status).toBe(200);
  expect((await b.call('GET', '/v1/me', { token: signedIn.body.accessToken })).status).toBe(200);
  return signedIn.body as { accessToken: string; refreshToken: string };
}

describe('access tokens end with their session', () => {
  it('When an admin disables an account, then its access token stops working on both edges within a second, writes included', async () => {
    const retailer = await a.account('RETAILER');
    const { accessToken } = await session(retailer);
    const disabled = await a.call('PATCH', `/v1/admin/accounts/${retailer.id}`, { token: admin.token, body: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect(await refusedWithin(accessToken, Date.now())).toBeLessThan(1_000);
    const apply = await b.call('POST', '/v1/connections', { token: accessToken, body: { wholesalerId: owner.id } });
    expect([apply.status, apply.body.code]).toEqual([401, 'session-revoked']);
  });

  it('When the user signs out, then that session’s access token stops within a second and another session keeps working', async () => {
    const retailer = await a.account('RETAILER');
    const leaving = await session(retailer);
    const staying = await session(retailer);
    const started = Date.now();
    expect((await b.call('POST', '/v1/auth/sign-out', { body: { refreshToken: leaving.refreshToken } })).status).toBe(204);
    expect(await refusedWithin(leaving.accessToken, started)).toBeLessThan(1_000);
    expect((await a.call('GET', '/v1/me', { token: staying.accessToken })).status).toBe(200);
  });

  it('When the password changes, then the other sessions’ access tokens stop within a second; the new one works', async () => {
    const retailer = await a.account('RETAILER');
    const other = await session(retailer);
    const here = await session(retailer);
    const started = Date.now();
    const changed = await a.call('POST', '/v1/me/password', { token: here.accessToken, body: { currentPassword: retailer.password, newPassword: 'anotherpw2026' } });
    expect(changed.status).toBe(200);
    expect(await refusedWithin(other.accessToken, started)).toBeLessThan(1_000);
    expect((await b.call('GET', '/v1/me', { token: changed.body.accessToken })).status).toBe(200);
  });

  it('When a spent refresh token is replayed, then the family is revoked and its access token stops within a second', async () => {
    const retailer = await a.account('RETAILER');
    const first = await session(retailer);
    const rotated = await b.call('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(rotated.status).toBe(200);
    expect((await a.call('GET', '/v1/me', { token: rotated.body.accessToken })).status).toBe(200);
    const started = Date.now();
    expect((await a.call('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } })).status).toBe(401);
    expect(await refusedWithin(rotated.body.accessToken, started)).toBeLessThan(1_000);
  });

  it('When a signed-out session sends an idempotent POST, then it is refused 401 whatever else is wrong with it, and its Idempotency-Key stays free', async () => {
    // Idempotent POSTs check the session inside the key's claim statement (one round trip fewer):
    // a revoked session must still answer 401 first, and claim nothing.
    const retailer = await a.account('RETAILER');
    const leaving = await session(retailer);
    const staying = await session(retailer);
    expect((await a.call('POST', '/v1/auth/sign-out', { body: { refreshToken: leaving.refreshToken } })).status).toBe(204);
    await new Promise((r) => setTimeout(r, 1_100)); // past any cached "live" (SESSION_CHECK_CACHE_MS ≤ 1 s)
    const refused = [
      await b.call('POST', '/v1/connections', { token: leaving.accessToken, headers: { 'idempotency-key': 'apply-1' }, body: { wholesalerId: owner.id } }),
      await a.call('POST', '/v1/connections', { token: leaving.accessToken, headers: { 'idempotency-key': 'apply-2' }, body: { wholesalerId: 'not-a-uuid' } }),
      await a.call('POST', '/v1/connections', { token: leaving.accessToken, headers: { 'idempotency-key': 'not a valid key' }, body: { wholesalerId: owner.id } }),
      await a.call('POST', '/v1/wholesaler/invitations', { token: leaving.accessToken, headers: { 'idempotency-key': 'invite-1' } }),
    ];
    expect(refused.map((r) => [r.status, r.body.code])).toEqual(Array.from({ length: 4 }, () => [401, 'session-revoked']));
    // The key the refused request sent was not claimed: the live session uses it as new, then gets its replay.
    const applied = await a.call('POST', '/v1/connections', { token: staying.accessToken, headers: { 'idempotency-key': 'apply-1' }, body: { wholesalerId: owner.id } });
    expect(applied.status).toBe(201);
    const replayed = await b.call('POST', '/v1/connections', { token: staying.accessToken, headers: { 'idempotency-key': 'apply-1' }, body: { wholesalerId: owner.id } });
    expect([replayed.status, replayed.body.id]).toEqual([201, applied.body.id]);
  });
});
