import { TooManyRequestsError } from '@marketbill/platform';
import { hitRateLimit } from '../../data-access/rate-limit-repository';
import type { UseCaseContext } from '../context';

/** Counts one hit on `key` and refuses with 429 (and Retry-After) once the window's limit is passed. */
export async function enforceRateLimit(ctx: UseCaseContext, code: string, key: string, limit: number, windowSeconds: number): Promise<void> {
  const count = await hitRateLimit(ctx.em, key, windowSeconds, ctx.now());
  if (count.hits > limit) throw TooManyRequestsError.rateLimited(code, count.resetsInSeconds);
}
