import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFakeSensServer, type FakeSensServer } from '../testing/fake-sens-server';
import { createSensProvider } from './sens-provider';
import type { OutgoingSms, SmsProvider } from './sms-provider';

let sens: FakeSensServer;
let provider: SmsProvider;

function sms(to: string, overrides: Partial<OutgoingSms> = {}): OutgoingSms {
  const text = '[마켓빌] 회원가입 인증번호는 123456입니다. 5분 안에 입력해 주세요.';
  return { deliveryId: 'd-1', template: 'verification-code', to, type: 'SMS', subject: null, text, storedText: text, ...overrides };
}

function providerFor(server: FakeSensServer, overrides: Partial<Parameters<typeof createSensProvider>[0]> = {}): SmsProvider {
  return createSensProvider({
    baseUrl: server.url,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    serviceId: server.serviceId,
    from: server.from,
    ratePerSecond: 1_000,
    timeoutMs: 300,
    maxSockets: 4,
    ...overrides,
  });
}

beforeAll(async () => {
  sens = await startFakeSensServer();
  provider = providerFor(sens);
});

afterAll(async () => {
  await provider.close();
  await sens.close();
});

describe('SENS provider against a local SENS-like server', () => {
  it('When SENS accepts a signed request, then the outcome is ACCEPTED with its request id and status', async () => {
    sens.answerWith(() => ({ status: 202 }));
    const result = await provider.send(sms('01011110001'));
    expect(result).toMatchObject({ outcome: 'ACCEPTED', httpStatus: 202, providerStatus: '202', providerMessage: 'success', retryAfterMs: null });
    const got = sens.received.find((m) => m.to === '01011110001');
    expect(got).toMatchObject({ type: 'SMS', from: sens.from, content: sms('').text, subject: null });
    expect(result.requestId).toBe(got?.requestId);
  });

  it('When an LMS is sent, then SENS gets type LMS with the subject', async () => {
    sens.answerWith(() => ({ status: 202 }));
    const text = `[마켓빌] ${'긴 안내 문구입니다. '.repeat(8)}`;
    await provider.send(sms('01011110002', { type: 'LMS', subject: '[마켓빌] 새 주문', text, storedText: text }));
    expect(sens.received.find((m) => m.to === '01011110002')).toMatchObject({ type: 'LMS', subject: '[마켓빌] 새 주문', content: text });
  });

  it('When the secret key is wrong, then SENS refuses the signature and the outcome is REJECTED with its reason', async () => {
    const wrong = providerFor(sens, { secretKey: 'not-the-secret' });
    try {
      const result = await wrong.send(sms('01011110003'));
      expect(result).toMatchObject({ outcome: 'REJECTED', httpStatus: 401, providerStatus: '200', providerMessage: 'Authentication Failed: Invalid authentication information.' });
      expect(sens.received.some((m) => m.to === '01011110003')).toBe(false);
    } finally {
      await wrong.close();
    }
  });

  it('When SENS answers 400 with its own message, then the outcome is REJECTED carrying that message', async () => {
    sens.answerWith(() => ({ status: 400, body: { statusCode: '400', statusName: 'fail', errorMessage: 'invalid recipient' } }));
    expect(await provider.send(sms('01011110004'))).toMatchObject({ outcome: 'REJECTED', httpStatus: 400, providerStatus: '400', providerMessage: 'invalid recipient' });
  });

  it('When an SMS body would exceed 90 bytes, then the SENS-like server refuses it as SENS does', async () => {
    sens.answerWith(() => ({ status: 202 }));
    const text = '가'.repeat(46);
    const result = await provider.send(sms('01011110005', { text, storedText: text }));
    expect(result).toMatchObject({ outcome: 'REJECTED', httpStatus: 400 });
  });

  it('When SENS answers 500 or 503, then the outcome is PROVIDER_ERROR (retriable)', async () => {
    sens.answerWith(() => ({ status: 503, body: { error: { errorCode: '500', message: 'Endpoint Error', details: 'upstream unavailable' } } }));
    expect(await provider.send(sms('01011110006'))).toMatchObject({ outcome: 'PROVIDER_ERROR', httpStatus: 503, providerStatus: '500', providerMessage: 'Endpoint Error: upstream unavailable' });
  });

  it('When SENS answers 429 with Retry-After, then the outcome is THROTTLED with the wait', async () => {
    sens.answerWith(() => ({ status: 429, body: { error: { errorCode: '420', message: 'Rate Limited' } }, headers: { 'retry-after': '2' } }));
    expect(await provider.send(sms('01011110007'))).toMatchObject({ outcome: 'THROTTLED', httpStatus: 429, providerStatus: '420', retryAfterMs: 2_000 });
  });

  it('When SENS answers too slowly, then the outcome is TIMEOUT (and SENS may still have taken the message)', async () => {
    sens.answerWith(() => ({ delayMs: 800 }));
    const result = await provider.send(sms('01011110008'));
    expect(result).toMatchObject({ outcome: 'TIMEOUT', httpStatus: null, providerMessage: 'no answer within 300 ms' });
    expect(result.durationMs).toBeGreaterThanOrEqual(250);
  });

  it('When the connection drops or nothing listens, then the outcome is NETWORK_ERROR', async () => {
    sens.answerWith(() => ({ destroy: true }));
    expect((await provider.send(sms('01011110009'))).outcome).toBe('NETWORK_ERROR');
    const closed = await startFakeSensServer();
    await closed.close();
    const nowhere = providerFor(closed);
    try {
      expect(await nowhere.send(sms('01011110010'))).toMatchObject({ outcome: 'NETWORK_ERROR', httpStatus: null });
    } finally {
      await nowhere.close();
    }
  });
});
