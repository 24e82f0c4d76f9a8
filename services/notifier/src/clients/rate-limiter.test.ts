import { describe, expect, it } from '@jest/globals';
import { createRateLimiter } from './rate-limiter';

/** A limiter on a fake clock: `waits` records how long each call had to wait. */
function limiterOnFakeClock(ratePerSecond: number, burst?: number) {
  let clock = 0;
  const waits: number[] = [];
  const limiter = createRateLimiter({
    ratePerSecond,
    ...(burst === undefined ? {} : { burst }),
    now: () => clock,
    wait: async (ms) => {
      waits.push(ms);
    },
  });
  return { limiter, waits, advance: (ms: number) => (clock += ms) };
}

describe('per-provider rate limiter', () => {
  it('When calls come faster than the rate, then after the burst each waits one interval more than the last', async () => {
    const { limiter, waits } = limiterOnFakeClock(10, 2);
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(waits).toEqual([100, 200, 300]);
  });

  it('When calls are spaced by the interval, then none waits', async () => {
    const { limiter, waits, advance } = limiterOnFakeClock(10, 1);
    for (let i = 0; i < 5; i++) {
      await limiter.acquire();
      advance(100);
    }
    expect(waits).toEqual([]);
  });

  it('When the provider asks for a pause, then the next call waits for it, burst or not', async () => {
    const { limiter, waits } = limiterOnFakeClock(100);
    limiter.pause(2_000);
    await limiter.acquire();
    expect(waits).toEqual([2_000]);
  });
});
