import { createHash } from 'node:crypto';

/**
 * A stable digest of what a request asked for, stored with its Idempotency-Key: a replay with the
 * same key must ask for the same thing, or it is refused.
 */
export function requestFingerprint(action: string, input: unknown): string {
  return createHash('sha256').update(`${action}\n${JSON.stringify(input)}`).digest('hex');
}
