import { describe, expect, it } from '@jest/globals';
import { decideAfterAttempt, isAllowedRecipient, outcomeOfStatus, retryDelayMs, type AttemptResult } from './delivery-policy';

const policy = { maxAttempts: 4, initialDelayMs: 1_000, maxDelayMs: 8_000 };
const now = new Date('2026-11-26T00:00:00Z');

function result(outcome: AttemptResult['outcome'], extra: Partial<AttemptResult> = {}): AttemptResult {
  return { outcome, httpStatus: null, providerStatus: null, providerMessage: null, requestId: null, retryAfterMs: null, durationMs: 5, ...extra };
}

function decide(r: AttemptResult, attemptsMade = 1, expiresAt: Date | null = null) {
  return decideAfterAttempt({ result: r, attemptsMade, policy, now, expiresAt, random: 0.5 });
}

describe('what follows a provider call', () => {
  it('When the provider answers 2xx, then the delivery is SENT', () => {
    expect(outcomeOfStatus(202)).toBe('ACCEPTED');
    expect(decide(result('ACCEPTED'))).toEqual({ status: 'SENT' });
  });

  it('When the provider answers 400, 401, 403 or 404, then the delivery FAILS at once (no retry)', () => {
    for (const status of [400, 401, 403, 404]) expect(outcomeOfStatus(status)).toBe('REJECTED');
    expect(decide(result('REJECTED'))).toEqual({ status: 'FAILED', reason: 'rejected' });
  });

  it('When the provider answers 5xx, 408, or times out, then the delivery is retried with a growing delay', () => {
    expect(outcomeOfStatus(500)).toBe('PROVIDER_ERROR');
    expect(outcomeOfStatus(503)).toBe('PROVIDER_ERROR');
    expect(outcomeOfStatus(408)).toBe('PROVIDER_ERROR');
    const first = decide(result('PROVIDER_ERROR'), 1);
    const second = decide(result('TIMEOUT'), 2);
    expect(first).toEqual({ status: 'PENDING', retryAt: new Date(now.getTime() + 750) });
    expect(second).toEqual({ status: 'PENDING', retryAt: new Date(now.getTime() + 1_500) });
    expect(decide(result('NETWORK_ERROR'), 1).status).toBe('PENDING');
  });

  it('When the provider answers 429 with Retry-After, then the next try waits that long', () => {
    expect(outcomeOfStatus(429)).toBe('THROTTLED');
    expect(decide(result('THROTTLED', { retryAfterMs: 3_000 }))).toEqual({ status: 'PENDING', retryAt: new Date(now.getTime() + 3_000) });
    expect(decide(result('THROTTLED', { retryAfterMs: 600_000 }))).toEqual({ status: 'PENDING', retryAt: new Date(now.getTime() + 8_000) });
  });

  it('When the last allowed attempt fails, then the delivery FAILS as exhausted', () => {
    expect(decide(result('PROVIDER_ERROR'), 4)).toEqual({ status: 'FAILED', reason: 'attempts-exhausted' });
  });

  it('When the next try would come after the message expires, then the delivery FAILS as expired', () => {
    expect(decide(result('TIMEOUT'), 1, new Date(now.getTime() + 500))).toEqual({ status: 'FAILED', reason: 'expired' });
  });

  it('When delays grow, then they stay within the cap and keep half of the ceiling fixed', () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const low = retryDelayMs(attempt, policy, 0);
      const high = retryDelayMs(attempt, policy, 0.999999);
      expect(low).toBeGreaterThanOrEqual(Math.min(8_000, 1_000 * 2 ** (attempt - 1)) / 2);
      expect(high).toBeLessThanOrEqual(8_000);
    }
  });

  it('When an allow-list is set, then only its numbers pass; without one (production), every number does', () => {
    const list = new Set(['01012345678']);
    expect(isAllowedRecipient('01012345678', list)).toBe(true);
    expect(isAllowedRecipient('01099998888', list)).toBe(false);
    expect(isAllowedRecipient('01099998888', undefined)).toBe(true);
  });
});
