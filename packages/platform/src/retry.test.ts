import { describe, expect, it } from '@jest/globals';
import { AppError } from './errors';
import { backoffDelay, retry } from './retry';

const transient = () => new AppError({ code: 'busy', message: 'busy', retriable: true });

describe('retry', () => {
  it('When a retriable error clears up, then the call succeeds on a later attempt', async () => {
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls < 3) throw transient();
        return 'ok';
      },
      { initialDelayMs: 1, maxDelayMs: 2 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('When the error is a bug, then it is not retried', async () => {
    let calls = 0;
    await expect(
      retry(async () => {
        calls++;
        throw new TypeError('x is undefined');
      }),
    ).rejects.toBeInstanceOf(TypeError);
    expect(calls).toBe(1);
  });

  it('When attempts run out, then the last error is thrown', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw transient();
        },
        { attempts: 4, initialDelayMs: 1, maxDelayMs: 1 },
      ),
    ).rejects.toMatchObject({ code: 'busy' });
    expect(calls).toBe(4);
  });

  it('When backoff grows, then it stays within its ceiling', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const delay = backoffDelay(attempt, 100, 5_000);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(5_000, 100 * 2 ** attempt));
    }
  });
});
