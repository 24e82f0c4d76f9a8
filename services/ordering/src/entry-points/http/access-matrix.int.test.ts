import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startOrdering, type OrderingHarness, type TestAccount } from '../../testing/ordering-harness';

jest.setTimeout(120_000);

/**
 * Who may see and change what. Two wholesalers (A with owner and staff, B with owner), two
 * retailers (R1 trades with A, R2 with B), and an admin. Each row: one call, and the status every
 * actor gets. 404 (not 403) for another party's resource: its existence is not revealed.
 */
let h: OrderingHarness;
let actors: Record<'R1' | 'R2' | 'A_OWNER' | 'A_STAFF' | 'B_OWNER' | 'ADMIN', TestAccount>;
let orderA: { id: string; lines: Array<{ id: string }> };
let connectionA: string;

beforeAll(async () => {
  h = await startOrdering();
  const aOwner = await h.account('WHOLESALER_OWNER');
  const bOwner = await h.account('WHOLESALER_OWNER');
  actors = {
    R1: await h.account('RETAILER'),
    R2: await h.account('RETAILER'),
    A_OWNER: aOwner,
    A_STAFF: await h.account('WHOLESALER_STAFF', { ownerId: aOwner.id }),
    B_OWNER: bOwner,
    ADMIN: await h.account('ADMIN'),
  };
  connectionA = await h.connect(actors.R1, aOwner);
  await h.connect(actors.R2, bOwner);
  const v = await h.variety();
  await h.call('POST', `/v1/carts/${aOwner.id}/lines`, { token: actors.R1.token, body: { varietyId: v.varietyId, grade: 'UPPER', quantity: 3 } });
  orderA = (await h.call('POST', '/v1/orders', { token: actors.R1.token, body: { wholesalerId: aOwner.id } })).body;
});
afterAll(async () => h?.stop());

type Who = keyof typeof actors;
const everyone: Who[] = ['R1', 'R2', 'A_OWNER', 'A_STAFF', 'B_OWNER', 'ADMIN'];

async function statuses(call: (a: TestAccount) => Promise<{ status: number }>): Promise<Record<Who, number>> {
  const out = {} as Record<Who, number>;
  for (const who of everyone) out[who] = (await call(actors[who])).status;
  return out;
}

describe('access matrix', () => {
  it('When anyone reads order A, then only its retailer, its wholesaler’s owner and staff, and ADMIN see it', async () => {
    expect(await statuses((a) => h.call('GET', `/v1/orders/${orderA.id}`, { token: a.token }))).toEqual({ R1: 200, R2: 404, A_OWNER: 200, A_STAFF: 200, B_OWNER: 404, ADMIN: 200 });
  });

  it('When anyone lists orders, then each sees only its own scope', async () => {
    const totals = {} as Record<Who, number>;
    for (const who of everyone) totals[who] = (await h.call('GET', '/v1/orders', { token: actors[who].token })).body.total;
    expect(totals).toMatchObject({ R1: 1, R2: 0, A_OWNER: 1, A_STAFF: 1, B_OWNER: 0 });
    expect(totals.ADMIN).toBeGreaterThanOrEqual(1);
    const widened = await h.call('GET', `/v1/orders?wholesalerId=${actors.A_OWNER.id}`, { token: actors.R2.token });
    expect(widened.body.total).toBe(0);
  });

  it('When anyone prices order A, then only A’s owner and staff may (retailers and ADMIN have no such role, B gets 404)', async () => {
    const body = { lines: [{ lineId: orderA.lines[0]?.id, unitPrice: 1000 }] };
    expect(await statuses((a) => h.call('PATCH', `/v1/orders/${orderA.id}/prices`, { token: a.token, body }))).toEqual({
      R1: 403,
      R2: 403,
      A_OWNER: 200,
      A_STAFF: 200,
      B_OWNER: 404,
      ADMIN: 403,
    });
  });

  it('When anyone changes fulfilment or adds a custom line to order A, then only A’s owner and staff may', async () => {
    expect(await statuses((a) => h.call('POST', `/v1/orders/${orderA.id}/custom-lines`, { token: a.token, body: { itemName: '리본', quantity: 1 } }))).toEqual({
      R1: 403,
      R2: 403,
      A_OWNER: 201,
      A_STAFF: 201,
      B_OWNER: 404,
      ADMIN: 403,
    });
  });

  it('When anyone cancels order A, then only its retailer may try (and is refused because it is priced)', async () => {
    expect(await statuses((a) => h.call('POST', `/v1/orders/${orderA.id}/cancel`, { token: a.token }))).toEqual({
      R1: 409,
      R2: 404,
      A_OWNER: 403,
      A_STAFF: 403,
      B_OWNER: 403,
      ADMIN: 403,
    });
  });

  it('When anyone reads or decides connection A, then only its parties (and ADMIN for reading) may', async () => {
    expect(await statuses((a) => h.call('GET', `/v1/connections/${connectionA}`, { token: a.token }))).toEqual({ R1: 200, R2: 404, A_OWNER: 200, A_STAFF: 200, B_OWNER: 404, ADMIN: 200 });
    const pending = await h.call('POST', '/v1/connections', { token: actors.R2.token, body: { wholesalerId: actors.A_OWNER.id } });
    const decide = (a: TestAccount) => h.call('POST', `/v1/connections/${pending.body.id}/decision`, { token: a.token, body: { decision: 'REJECTED' } });
    expect((await decide(actors.B_OWNER)).status).toBe(404);
    expect((await decide(actors.R2)).status).toBe(403);
    expect((await decide(actors.A_STAFF)).status).toBe(200);
  });

  it('When anyone uses carts, then only retailers have carts, and only their own', async () => {
    expect(await statuses((a) => h.call('GET', '/v1/carts', { token: a.token }))).toEqual({ R1: 200, R2: 200, A_OWNER: 403, A_STAFF: 403, B_OWNER: 403, ADMIN: 403 });
    const other = await h.call('GET', `/v1/carts/${actors.A_OWNER.id}`, { token: actors.R2.token });
    expect(other.body.lines).toEqual([]);
  });

  it('When anyone changes the business profile, settings or invitations, then only the owner may (staff included in the refusal)', async () => {
    expect(await statuses((a) => h.call('PATCH', '/v1/wholesaler/settings', { token: a.token, body: { cutoffTime: '21:30' } }))).toEqual({
      R1: 403,
      R2: 403,
      A_OWNER: 200,
      A_STAFF: 403,
      B_OWNER: 200,
      ADMIN: 403,
    });
    expect((await h.call('POST', '/v1/wholesaler/invitations', { token: actors.A_STAFF.token })).status).toBe(403);
  });

  it('When anyone reads a wholesaler, then the bank account, business number, representative and seal go only to its people, ADMIN and connected retailers', async () => {
    const profile = {
      businessNumber: '220-81-62517',
      companyName: '양재꽃상회',
      representative: '김꽃님',
      address: '서울특별시 서초구 강남대로 27',
      phone: '02-579-1234',
      businessType: '도소매',
      businessItem: '화훼',
      bankAccount: '농협 123-4567-8901-23 김꽃님',
    };
    expect((await h.call('PUT', '/v1/wholesaler/profile', { token: actors.A_OWNER.token, body: profile })).status).toBe(200);
    const applicant = await h.account('RETAILER');
    expect((await h.call('POST', '/v1/connections', { token: applicant.token, body: { wholesalerId: actors.A_OWNER.id } })).status).toBe(201);
    const seen: Record<string, unknown> = {};
    for (const [who, account] of [...Object.entries(actors), ['APPLICANT', applicant] as const]) {
      const got = await h.call('GET', `/v1/wholesalers/${actors.A_OWNER.id}`, { token: account.token });
      expect(got.status).toBe(200);
      expect(got.body.profile).toMatchObject({ companyName: '양재꽃상회', address: profile.address, phone: profile.phone, businessType: '도소매', businessItem: '화훼' });
      seen[who] = [got.body.profile.view, got.body.profile.bankAccount, got.body.profile.businessNumber, got.body.profile.representative];
    }
    const full = ['FULL', profile.bankAccount, '2208162517', '김꽃님'];
    const shop = ['SHOP', null, null, null];
    expect(seen).toEqual({ R1: full, A_OWNER: full, A_STAFF: full, ADMIN: full, R2: shop, B_OWNER: shop, APPLICANT: shop });
  });

  it('When anyone calls admin endpoints, then only ADMIN may; a disabled account can no longer sign in or refresh', async () => {
    expect(await statuses((a) => h.call('GET', '/v1/admin/accounts?role=RETAILER', { token: a.token }))).toEqual({ R1: 403, R2: 403, A_OWNER: 403, A_STAFF: 403, B_OWNER: 403, ADMIN: 200 });
    const victim = await h.account('RETAILER');
    const session = await h.call('POST', '/v1/auth/sign-in', { body: { phone: victim.phone, password: victim.password } });
    const disabled = await h.call('PATCH', `/v1/admin/accounts/${victim.id}`, { token: actors.ADMIN.token, body: { disabled: true } });
    expect(disabled.body.disabled).toBe(true);
    expect((await h.call('POST', '/v1/auth/sign-in', { body: { phone: victim.phone, password: victim.password } })).body.code).toBe('account-disabled');
    expect((await h.call('POST', '/v1/auth/refresh', { body: { refreshToken: session.body.refreshToken } })).status).toBe(401);
  });

  it('When anyone curates the catalog, then non-admins are refused before catalog is asked', async () => {
    const id = '6f1c2b3a-9d8e-4f70-8a1b-2c3d4e5f6a7b';
    expect(await statuses((a) => h.call('PATCH', `/v1/catalog/varieties/${id}`, { token: a.token, body: { colour: '빨강' } }))).toEqual({
      R1: 403,
      R2: 403,
      A_OWNER: 403,
      A_STAFF: 403,
      B_OWNER: 403,
      ADMIN: 503,
    });
  });
});
