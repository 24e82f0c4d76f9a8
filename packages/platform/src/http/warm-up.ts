import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * A service's warm-up: requests it sends to its own HTTP server before it reports ready, so a new
 * process meets its first real requests with its code compiled and its heap grown (a catalog
 * process's first ≈ 4,000 searches cost ≈ 20 % more CPU and twice the p99; bench/catalog).
 *
 * Each warm-up has its own random bearer token, alive only while it runs and never sent anywhere
 * but this process's own port. A request that carries it passes the start-up gate and an internal
 * API's caller check (as caller `warm-up`), and is left out of the access log; its spans are
recorded but never sampled, so none is exported (telemetry.ts).
 * Outside a warm-up no token is accepted, so the bypass does not exist once the service is ready.
 */
const active = new Set<string>();

/** Starts a warm-up: its bearer token. End it with {@link endWarmUp}. */
export function beginWarmUp(): string {
  const token = randomBytes(32).toString('base64url');
  active.add(token);
  return token;
}

export function endWarmUp(token: string): void {
  active.delete(token);
}

/** True while a warm-up runs and the request carries its token (`Authorization: Bearer …`). */
export function isWarmUpRequest(headers: IncomingHttpHeaders): boolean {
  if (active.size === 0) return false;
  const header = headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  let match = false;
  for (const token of active) {
    const expected = Buffer.from(token);
    if (given.length === expected.length && timingSafeEqual(given, expected)) match = true;
  }
  return match;
}
