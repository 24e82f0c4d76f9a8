/**
 * What happens to a delivery after a provider call: pure rules, so they are tested without a clock
 * or a network.
 *
 * | answer                              | outcome         | next                                    |
 * |-------------------------------------|-----------------|-----------------------------------------|
 * | 2xx                                 | ACCEPTED        | SENT                                    |
 * | 429                                 | THROTTLED       | retry after Retry-After (or backoff)    |
 * | 408, 5xx                            | PROVIDER_ERROR  | retry with backoff                      |
 * | no answer in time                   | TIMEOUT         | retry with backoff                      |
 * | connection refused/reset, DNS       | NETWORK_ERROR   | retry with backoff                      |
 * | other 4xx                           | REJECTED        | FAILED at once, with the provider's reason |
 * | a claim whose outcome was never recorded (the sender died) | UNKNOWN | claimed again and sent again |
 *
 * Retries stop at `maxAttempts` (FAILED, with the last answer) and never go past a message's
 * expiry (a verification code nobody can use any more).
 */
export const DELIVERY_STATUSES = ['PENDING', 'SENT', 'FAILED', 'SKIPPED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type AttemptOutcome = 'ACCEPTED' | 'REJECTED' | 'THROTTLED' | 'PROVIDER_ERROR' | 'TIMEOUT' | 'NETWORK_ERROR' | 'UNKNOWN';

/** One provider call as it happened. */
export interface AttemptResult {
  outcome: AttemptOutcome;
  httpStatus: number | null;
  /** The provider's own status or error code (SENS statusCode / errorCode), or null. */
  providerStatus: string | null;
  /** The provider's own words (statusName, error message), or what we observed (time-out). */
  providerMessage: string | null;
  requestId: string | null;
  /** From a 429's Retry-After header. */
  retryAfterMs: number | null;
  durationMs: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export type Decision =
  | { status: 'SENT' }
  | { status: 'FAILED'; reason: 'rejected' | 'attempts-exhausted' | 'expired' }
  | { status: 'PENDING'; retryAt: Date };

const RETRIABLE: ReadonlySet<AttemptOutcome> = new Set(['THROTTLED', 'PROVIDER_ERROR', 'TIMEOUT', 'NETWORK_ERROR', 'UNKNOWN']);

/** Classifies an HTTP answer. */
export function outcomeOfStatus(httpStatus: number): AttemptOutcome {
  if (httpStatus >= 200 && httpStatus < 300) return 'ACCEPTED';
  if (httpStatus === 429) return 'THROTTLED';
  if (httpStatus === 408 || httpStatus >= 500) return 'PROVIDER_ERROR';
  return 'REJECTED';
}

/**
 * Delay before attempt `attempt + 1`: exponential (initial · 2^(attempt-1), capped) with "equal
 * jitter" — half fixed, half random — so retries of a burst spread out but never come back at once.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

export function decideAfterAttempt(input: {
  result: AttemptResult;
  /** Provider calls made so far, this one included. */
  attemptsMade: number;
  policy: RetryPolicy;
  now: Date;
  expiresAt: Date | null;
  /** A number in [0, 1) for the jitter. */
  random: number;
}): Decision {
  const { result, attemptsMade, policy, now, expiresAt } = input;
  if (result.outcome === 'ACCEPTED') return { status: 'SENT' };
  if (!RETRIABLE.has(result.outcome)) return { status: 'FAILED', reason: 'rejected' };
  if (attemptsMade >= policy.maxAttempts) return { status: 'FAILED', reason: 'attempts-exhausted' };
  const backoff = retryDelayMs(attemptsMade, policy, input.random);
  const delay = result.retryAfterMs !== null ? Math.min(Math.max(result.retryAfterMs, 0), policy.maxDelayMs) : backoff;
  const retryAt = new Date(now.getTime() + delay);
  if (expiresAt && retryAt >= expiresAt) return { status: 'FAILED', reason: 'expired' };
  return { status: 'PENDING', retryAt };
}

/** Numbers a real provider may send to outside production; `undefined` means every number. */
export function isAllowedRecipient(recipient: string, allowList: ReadonlySet<string> | undefined): boolean {
  return allowList === undefined || allowList.has(recipient);
}
