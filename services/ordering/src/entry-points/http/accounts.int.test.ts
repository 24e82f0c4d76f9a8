import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { query } from '@marketbill/testing';
import { stackEnv } from '@marketbill/testing';
import { startOrdering, type OrderingHarness } from '../../testing/ordering-harness';

jest.setTimeout(90_000);

let h: OrderingHarness;
beforeAll(async () => {
  h = await startOrdering({ RATE_LIMIT_SIGN_IN_PER_PHONE: '3', RATE_LIMIT_CODE_PER_PHONE: '2' });
});
afterAll(async () => h?.stop());

async function codeFor(verificationId: string): Promise<string> {
  const event = await h.waitForEvent('account.verification.requested', (e) => e.verificationId === verificationId, 'the verification code event');
  return h.opened.code(event);
}

async function verifiedSignUp(body: Record<string, unknown>) {
  const phone = body.phone as string;
  const started = await h.call('POST', '/v1/auth/verifications', { body: { phone, purpose: 'SIGN_UP' } });
  expect(started.status).toBe(202);
  const code = await codeFor(started.body.verificationId);
  return h.call('POST', '/v1/auth/sign-up', { body: { verificationId: started.body.verificationId, code, ...body } });
}

describe('accounts and sessions', () => {
  it('When a retailer signs up with the SMS code, then the account exists, the event carried the code and the tokens work', async () => {
    const phone = h.nextPhone();
    const signedUp = await verifiedSignUp({ phone: `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`, name: '꽃담플라워', password: 'flowers2026', role: 'RETAILER' });
    expect(signedUp.status).toBe(201);
    expect(signedUp.body.account).toMatchObject({ phone, role: 'RETAILER', wholesalerId: null });
    const me = await h.call('GET', '/v1/me', { token: signedUp.body.tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(signedUp.body.account.id);
    const rows = await query(stackEnv().DATABASE_URL, `select code_hash from "${h.schema}".verifications where phone = $1`, [phone]);
    expect(rows[0]?.code_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('When a code is requested, then neither the code nor the phone is on the topic in clear; only the notifier key opens them', async () => {
    const phone = h.nextPhone();
    const started = await h.call('POST', '/v1/auth/verifications', { body: { phone, purpose: 'SIGN_UP' } });
    const event = await h.waitForEvent('account.verification.requested', (e) => e.verificationId === started.body.verificationId);
    const code = h.opened.code(event);
    expect(code).toMatch(/^\d{6}$/);
    expect(h.opened.phone(event)).toBe(phone);
    expect([event.code, event.phone]).toEqual([null, null]);
    // The raw bytes a topic reader (analytics, npm run tail) gets hold neither.
    const raw = await h.rawMessages('account.verification.requested');
    const bytes = raw.find((m) => m.key === started.body.verificationId)?.value as Buffer;
    expect(bytes.includes(Buffer.from(code))).toBe(false);
    expect(bytes.includes(Buffer.from(phone))).toBe(false);
  });

  it('When the code is wrong five times, then even the right code is refused', async () => {
    const phone = h.nextPhone();
    const started = await h.call('POST', '/v1/auth/verifications', { body: { phone, purpose: 'SIGN_UP' } });
    const code = await codeFor(started.body.verificationId);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const attempt = await h.call('POST', '/v1/auth/sign-up', { body: { verificationId: started.body.verificationId, code: wrong, phone, name: 'x', password: 'flowers2026', role: 'RETAILER' } });
      expect(attempt.body.code).toBe('verification-failed');
    }
    const right = await h.call('POST', '/v1/auth/sign-up', { body: { verificationId: started.body.verificationId, code, phone, name: 'x', password: 'flowers2026', role: 'RETAILER' } });
    expect(right.status).toBe(400);
    expect(right.body.code).toBe('verification-failed');
  });

  it('When the password breaks the policy, then sign-up names the rules and the code stays usable', async () => {
    const phone = h.nextPhone();
    const started = await h.call('POST', '/v1/auth/verifications', { body: { phone, purpose: 'SIGN_UP' } });
    const code = await codeFor(started.body.verificationId);
    const weak = await h.call('POST', '/v1/auth/sign-up', { body: { verificationId: started.body.verificationId, code, phone, name: 'x', password: 'short', role: 'RETAILER' } });
    expect(weak.status).toBe(400);
    expect(weak.body.code).toBe('validation-failed');
    expect(weak.body.errors.map((e: { path: string }) => e.path)).toContain('password');
    const withPhone = await h.call('POST', '/v1/auth/sign-up', { body: { verificationId: started.body.verificationId, code, phone, name: 'x', password: `pw${phone.slice(3)}`, role: 'RETAILER' } });
    expect(withPhone.body.errors).toEqual([{ path: 'password', message: 'Must not contain the phone number.' }]);
    const ok = await h.call('POST', '/v1/auth/sign-up', { body: { verificationId: started.body.verificationId, code, phone, name: 'x', password: 'flowers2026', role: 'RETAILER' } });
    expect(ok.status).toBe(201);
  });

  it('When an owner invites staff, then the staff member joins that wholesaler with the code, and the code works once', async () => {
    const owner = await h.account('WHOLESALER_OWNER');
    const invitation = await h.call('POST', '/v1/wholesaler/invitations', { token: owner.token });
    expect(invitation.status).toBe(201);
    const staff = await verifiedSignUp({ phone: h.nextPhone(), name: '직원', password: 'staff12345', role: 'WHOLESALER_STAFF', invitationCode: invitation.body.code.toLowerCase() });
    expect(staff.status).toBe(201);
    expect(staff.body.account).toMatchObject({ role: 'WHOLESALER_STAFF', wholesalerId: owner.id });
    const again = await h.call('POST', '/v1/auth/sign-up', {
      body: { verificationId: '00000000-0000-4000-8000-000000000000', code: '123456', phone: h.nextPhone(), name: 'y', password: 'staff12345', role: 'WHOLESALER_STAFF', invitationCode: invitation.body.code },
    });
    expect(again.body.code).toBe('invitation-invalid');
    const noCode = await h.call('POST', '/v1/auth/sign-up', {
      body: { verificationId: '00000000-0000-4000-8000-000000000000', code: '123456', phone: h.nextPhone(), name: 'y', password: 'staff12345', role: 'WHOLESALER_STAFF' },
    });
    expect(noCode.status).toBe(400);
  });

  it('When a refresh token is rotated, then the new one works, and reusing the spent one revokes the whole family', async () => {
    const retailer = await h.account('RETAILER');
    const first = await h.call('POST', '/v1/auth/sign-in', { body: { phone: retailer.phone, password: retailer.password } });
    const second = await h.call('POST', '/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
    const reuse = await h.call('POST', '/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('invalid-refresh-token');
    const afterReuse = await h.call('POST', '/v1/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(afterReuse.status).toBe(401);
  });

  it('When a user signs out, then that refresh token no longer works but another session does', async () => {
    const retailer = await h.account('RETAILER');
    const a = await h.call('POST', '/v1/auth/sign-in', { body: { phone: retailer.phone, password: retailer.password } });
    const b = await h.call('POST', '/v1/auth/sign-in', { body: { phone: retailer.phone, password: retailer.password } });
    expect((await h.call('POST', '/v1/auth/sign-out', { body: { refreshToken: a.body.refreshToken } })).status).toBe(204);
    expect((await h.call('POST', '/v1/auth/refresh', { body: { refreshToken: a.body.refreshToken } })).status).toBe(401);
    expect((await h.call('POST', '/v1/auth/refresh', { body: { refreshToken: b.body.refreshToken } })).status).toBe(200);
  });

  it('When the password is changed, then the old one fails, the new one works and other sessions are revoked', async () => {
    const retailer = await h.account('RETAILER');
    const other = await h.call('POST', '/v1/auth/sign-in', { body: { phone: retailer.phone, password: retailer.password } });
    const wrong = await h.call('POST', '/v1/me/password', { token: retailer.token, body: { currentPassword: 'nope12345', newPassword: 'newpass2026' } });
    expect(wrong.body.code).toBe('wrong-password');
    const changed = await h.call('POST', '/v1/me/password', { token: retailer.token, body: { currentPassword: retailer.password, newPassword: 'newpass2026' } });
    expect(changed.status).toBe(200);
    expect((await h.call('POST', '/v1/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).status).toBe(401);
    expect((await h.call('POST', '/v1/auth/sign-in', { body: { phone: retailer.phone, password: retailer.password } })).status).toBe(401);
    expect((await h.call('POST', '/v1/auth/sign-in', { body: { phone: retailer.phone, password: 'newpass2026' } })).status).toBe(200);
  });

  it('When a password is reset with an SMS code, then the new password works; an unknown phone gets the same answer and no SMS', async () => {
    const retailer = await h.account('RETAILER');
    const started = await h.call('POST', '/v1/auth/verifications', { body: { phone: retailer.phone, purpose: 'PASSWORD_RESET' } });
    const code = await codeFor(started.body.verificationId);
    const reset = await h.call('POST', '/v1/auth/password-reset', { body: { verificationId: started.body.verificationId, code, phone: retailer.phone, newPassword: 'resetpw2026' } });
    expect(reset.status).toBe(204);
    expect((await h.call('POST', '/v1/auth/sign-in', { body: { phone: retailer.phone, password: 'resetpw2026' } })).status).toBe(200);

    const unknown = await h.call('POST', '/v1/auth/verifications', { body: { phone: h.nextPhone(), purpose: 'PASSWORD_RESET' } });
    expect(unknown.status).toBe(202);
    const marker = await h.call('POST', '/v1/auth/verifications', { body: { phone: retailer.phone, purpose: 'PASSWORD_RESET' } });
    await codeFor(marker.body.verificationId);
    expect((await h.events('account.verification.requested')).some((e) => e.verificationId === unknown.body.verificationId)).toBe(false);
  });

  it('When codes are requested too often for a phone, then the third within the window is refused with 429', async () => {
    const phone = h.nextPhone();
    expect((await h.call('POST', '/v1/auth/verifications', { body: { phone, purpose: 'SIGN_UP' } })).status).toBe(202);
    expect((await h.call('POST', '/v1/auth/verifications', { body: { phone, purpose: 'SIGN_UP' } })).status).toBe(202);
    const third = await h.call('POST', '/v1/auth/verifications', { body: { phone, purpose: 'SIGN_UP' } });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBeTruthy();
  });

  it('When a request has no token or a forged one, then it is refused with 401 problems', async () => {
    const none = await h.call('GET', '/v1/orders');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('unauthenticated');
    const forged = await h.call('GET', '/v1/orders', { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' });
    expect(forged.body.code).toBe('invalid-token');
    expect(none.headers.get('x-request-id')).toBeTruthy();
  });
});
