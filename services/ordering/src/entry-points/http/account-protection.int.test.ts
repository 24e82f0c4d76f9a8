import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startOrdering, type OrderingHarness, type TestAccount } from '../../testing/ordering-harness';

jest.setTimeout(120_000);

// The edge behind a proxy on loopback, so each test can play callers at many client addresses.
let h: OrderingHarness;
let budget: OrderingHarness;
beforeAll(async () => {
  h = await startOrdering({
    TRUSTED_PROXIES: '127.0.0.1',
    SIGN_IN_FREE_FAILURES: '3',
    RATE_LIMIT_SIGN_IN_PER_PHONE: '6',
    RATE_LIMIT_CODE_PER_PHONE: '10',
    RATE_LIMIT_CODE_PER_PHONE_PER_DAY: '4',
    RATE_LIMIT_CODE_FAILURES_PER_PHONE_PER_DAY: '2',
    RATE_LIMIT_NOTICES_PER_PHONE_PER_DAY: '1',
  });
  budget = await startOrdering({ TRUSTED_PROXIES: '127.0.0.1', SMS_CODE_BUDGET_PER_HOUR: '3' });
});
afterAll(async () => {
  await h?.stop();
  await budget?.stop();
});

let lastOctet = 0;
const address = () => `203.0.113.${(lastOctet++ % 250) + 1}`;
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const signIn = (phone: string, password: string, ip: string, extra: Record<string, string> = {}) => h.call('POST', '/v1/auth/sign-in', { body: { phone, password, ...extra }, headers: from(ip) });
const requestCode = (target: OrderingHarness, phone: string, purpose: string, ip = address()) =>
  target.call('POST', '/v1/auth/verifications', { body: { phone, purpose }, headers: from(ip) });

async function codeOf(verificationId: string): Promise<string> {
  return h.opened.code(await h.waitForEvent('account.verification.requested', (e) => e.verificationId === verificationId));
}

describe('sign-in: no lock-out anyone can impose', () => {
  let owner: TestAccount;
  beforeAll(async () => {
    owner = await h.account('RETAILER');
  });

  it('When a stranger keeps failing from one address, then that address waits longer and longer, and the owner elsewhere signs in', async () => {
    const stranger = address();
    for (let i = 0; i < 4; i++) expect((await signIn(owner.phone, 'guess-1234', stranger)).status).toBe(401);
    const waiting = await signIn(owner.phone, owner.password, stranger);
    expect([waiting.status, waiting.body.code]).toEqual([429, 'too-many-sign-in-attempts']);
    expect(Number(waiting.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(waiting.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    // The right password does not help the guesser's address either, but the owner at another is untouched.
    expect((await signIn(owner.phone, owner.password, address())).status).toBe(200);
  });

  it('When failures for a phone pile up from many addresses, then a new address needs an SMS code, which the owner can get; a known address does not', async () => {
    const victim = await h.account('RETAILER');
    for (let i = 0; i < 6; i++) expect((await signIn(victim.phone, `guess-${i}-abcd`, address())).status).toBe(401);
    const newDevice = address();
    const refused = await signIn(victim.phone, victim.password, newDevice);
    expect([refused.status, refused.body.code]).toEqual([429, 'sign-in-code-required']);
    // The harness signed the owner in from 127.0.0.1 before: that address is known and still works.
    expect((await h.call('POST', '/v1/auth/sign-in', { body: { phone: victim.phone, password: victim.password } })).status).toBe(200);

    for (let i = 0; i < 6; i++) await signIn(victim.phone, `guess-${i}-efgh`, address());
    expect((await signIn(victim.phone, victim.password, newDevice)).body.code).toBe('sign-in-code-required');
    const started = await requestCode(h, victim.phone, 'SIGN_IN', newDevice);
    expect(started.status).toBe(202);
    const code = await codeOf(started.body.verificationId);
    const wrongCode = await signIn(victim.phone, victim.password, newDevice, { verificationId: started.body.verificationId, code: code === '000000' ? '111111' : '000000' });
    expect(wrongCode.body.code).toBe('verification-failed');
    const passed = await signIn(victim.phone, victim.password, newDevice, { verificationId: started.body.verificationId, code });
    expect(passed.status).toBe(200);
  });

  it('When a number has no account, then sign-in behaves the same, and a SIGN_IN code request answers the same and sends nothing', async () => {
    const nobody = h.nextPhone();
    for (let i = 0; i < 6; i++) expect((await signIn(nobody, `guess-${i}-ijkl`, address())).status).toBe(401);
    expect((await signIn(nobody, 'whatever-1234', address())).body.code).toBe('sign-in-code-required');
    const asked = await requestCode(h, nobody, 'SIGN_IN');
    expect(asked.status).toBe(202);
    expect(Object.keys(asked.body).sort()).toEqual(['expiresAt', 'verificationId']);
    const marker = await requestCode(h, h.nextPhone(), 'SIGN_UP');
    await codeOf(marker.body.verificationId);
    expect((await h.events('account.verification.requested')).some((e) => e.verificationId === asked.body.verificationId)).toBe(false);
  });
});

describe('verification codes: no enumeration, bounded cost, bounded guessing', () => {
  it('When a sign-up code is asked for a registered number, then the answer is as for a new one, and its owner is told by SMS instead', async () => {
    const registered = await h.account('RETAILER');
    const fresh = h.nextPhone();
    const forRegistered = await requestCode(h, registered.phone, 'SIGN_UP');
    const forFresh = await requestCode(h, fresh, 'SIGN_UP');
    expect([forRegistered.status, forFresh.status]).toEqual([202, 202]);
    expect(Object.keys(forRegistered.body).sort()).toEqual(Object.keys(forFresh.body).sort());
    const notice = await h.waitForEvent('account.verification.requested', (e) => e.verificationId === forRegistered.body.verificationId);
    expect([notice.notice, notice.sealedCode, notice.code]).toEqual(['ALREADY_REGISTERED', null, null]);
    expect(h.opened.phone(notice)).toBe(registered.phone);
    const codeEvent = await h.waitForEvent('account.verification.requested', (e) => e.verificationId === forFresh.body.verificationId);
    expect(codeEvent.notice).toBe('CODE');
    // Signing up with whatever code fails like a wrong code: nothing says the number is taken.
    const attempt = await h.call('POST', '/v1/auth/sign-up', {
      body: { verificationId: forRegistered.body.verificationId, code: '123456', phone: registered.phone, name: 'x', password: 'flowers2026', role: 'RETAILER' },
    });
    expect([attempt.status, attempt.body.code]).toEqual([400, 'verification-failed']);
    // A second try the same day: the same answer, and no second notice to the owner.
    const again = await requestCode(h, registered.phone, 'SIGN_UP');
    expect(again.status).toBe(202);
    const marker = await requestCode(h, h.nextPhone(), 'SIGN_UP');
    await h.waitForEvent('account.verification.requested', (e) => e.verificationId === marker.body.verificationId);
    expect((await h.events('account.verification.requested')).filter((e) => e.notice === 'ALREADY_REGISTERED' && h.opened.phone(e) === registered.phone)).toHaveLength(1);
  });

  it('When codes for one number are asked past the daily cap, then 429 whatever the addresses', async () => {
    const phone = h.nextPhone();
    for (let i = 0; i < 4; i++) expect((await requestCode(h, phone, 'SIGN_UP')).status).toBe(202);
    const capped = await requestCode(h, phone, 'SIGN_UP');
    expect([capped.status, capped.body.code]).toEqual([429, 'too-many-code-requests']);
  });

  it('When wrong codes for a number pass the daily cap, then each further wrong code voids its verification, but the holder’s right code still works', async () => {
    const phone = h.nextPhone();
    const body = (verificationId: string, code: string) => ({ verificationId, code, phone, name: '꽃집', password: 'flowers2026', role: 'RETAILER' });
    const first = await requestCode(h, phone, 'SIGN_UP');
    const firstCode = await codeOf(first.body.verificationId);
    const wrong = (code: string) => (code === '000000' ? '111111' : '000000');
    for (let i = 0; i < 2; i++) expect((await h.call('POST', '/v1/auth/sign-up', { body: body(first.body.verificationId, wrong(firstCode)) })).body.code).toBe('verification-failed');
    // Past the cap: one wrong guess and this verification is spent, right code or not.
    const second = await requestCode(h, phone, 'SIGN_UP');
    const secondCode = await codeOf(second.body.verificationId);
    await h.call('POST', '/v1/auth/sign-up', { body: body(second.body.verificationId, wrong(secondCode)) });
    expect((await h.call('POST', '/v1/auth/sign-up', { body: body(second.body.verificationId, secondCode) })).body.code).toBe('verification-failed');
    // Whoever holds the phone asks for a code and uses it: not locked out.
    const third = await requestCode(h, phone, 'SIGN_UP');
    const thirdCode = await codeOf(third.body.verificationId);
    const signedUp = await h.call('POST', '/v1/auth/sign-up', { body: body(third.body.verificationId, thirdCode) });
    expect(signedUp.status).toBe(201);
    // The same sign-up retried (its answer lost): the code holder, and only they, learn the number is taken.
    const retried = await h.call('POST', '/v1/auth/sign-up', { body: body(third.body.verificationId, thirdCode) });
    expect([retried.status, retried.body.code]).toEqual([409, 'phone-already-registered']);
  });

  it('When the hourly SMS budget is spent, then every further request gets 429 sms-budget-exhausted, from any address, for any number', async () => {
    for (let i = 0; i < 3; i++) expect((await requestCode(budget, budget.nextPhone(), 'SIGN_UP')).status).toBe(202);
    const refused = await requestCode(budget, budget.nextPhone(), 'PASSWORD_RESET');
    expect([refused.status, refused.body.code]).toEqual([429, 'sms-budget-exhausted']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
