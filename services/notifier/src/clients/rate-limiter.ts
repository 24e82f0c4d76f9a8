import { sleep } from '@marketbill/platform';

/** Spaces out calls to one provider. */
export interface RateLimiter {
  /** Resolves when the caller may make one call. */
  acquire(): Promise<void>;
  /** No call for `ms` from now (the provider said 429 / Retry-After). */
  pause(ms: number): void;
}

export interface RateLimiterOptions {
  ratePerSecond: number;
  /** Calls allowed back to back after an idle spell (default: one second's worth). */
  burst?: number;
  now?: () => number;
  wait?: (ms: number) => Promise<void>;
}

/**
 * A GCRA limiter (the "virtual scheduling" form of a token bucket): each call reserves the next
 * free slot synchronously and then waits for it, so concurrent callers are served in order
 * without a queue, and no timer runs while nobody calls.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const interval = 1000 / options.ratePerSecond;
  const tolerance = (Math.max(1, options.burst ?? options.ratePerSecond) - 1) * interval;
  const now = options.now ?? Date.now;
  const wait = options.wait ?? ((ms: number) => sleep(ms));
  let theoreticalArrival = 0;

  return {
    acquire() {
      const t = now();
      const at = Math.max(theoreticalArrival, t);
      theoreticalArrival = at + interval;
      const delay = at - tolerance - t;
      return delay > 0 ? wait(delay) : Promise.resolve();
    },
    pause(ms) {
      // Past the tolerance too: after a 429 the provider wants silence, not a burst.
      theoreticalArrival = Math.max(theoreticalArrival, now() + ms + tolerance);
    },
  };
}
