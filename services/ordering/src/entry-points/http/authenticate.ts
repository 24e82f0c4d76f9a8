import type { Request } from 'express';
import { UnauthenticatedError, type Orm } from '@marketbill/platform';
import { checkSession } from '../../use-cases/accounts/check-session';
import { verifyAccessToken } from '../../domain/access-token';
import type { Actor } from '../../domain/actor';
import { AuthError } from '../../domain/ordering-errors';

export interface AuthenticatorOptions {
  orm: Orm;
  /** HS256 key of the access tokens. */
  key: string;
  /** How long a session found live is believed without asking the database again (ms; 0 = every request). */
  cacheMs: number;
  /** Most sessions kept in the cache (the oldest go first). */
  maxEntries?: number;
  now?: () => number;
}

export type Authenticate = (req: Request) => Promise<Actor>;

/**
 * The actor of the request's bearer access token, checked twice: the token itself (HMAC, expiry,
 * claims; 401 `unauthenticated` without one, `invalid-token` for a bad one), then its session (the
 * refresh-token family it names) against the database: an account disabled, signed out, with its
 * password changed or its family revoked for reuse answers 401 `session-revoked`.
 *
 * A live session is believed for `cacheMs` (≤ 1 s) per process, so a revocation takes effect on
 * every replica within that time without any message between them; Postgres is the one place
 * that knows. An invalidation event (LISTEN/NOTIFY) was considered and left out: a notification
 * lost while the listening connection reconnects would leave the cache stale for its whole TTL,
 * so the TTL must be short for the guarantee anyway — and with a short TTL the event buys little.
 * Revoked sessions are not cached: they never come back, and the lookup is one indexed query.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticate {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const liveUntil = new Map<string, number>();

  return async (req) => {
    const header = req.get('authorization') ?? '';
    if (!header) throw UnauthenticatedError.missingCredentials();
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
    const verified = match ? verifyAccessToken(match[1] as string, options.key, now()) : undefined;
    if (!verified) throw UnauthenticatedError.invalidToken();
    const cacheKey = `${verified.actor.accountId}:${verified.sessionId}`;
    const cached = liveUntil.get(cacheKey);
    if (cached !== undefined && cached > now()) return verified.actor;
    liveUntil.delete(cacheKey);
    const live = await checkSession(options.orm.em.fork(), verified.actor.accountId, verified.sessionId, new Date(now()));
    if (!live) throw AuthError.sessionRevoked();
    if (options.cacheMs > 0) {
      if (liveUntil.size >= maxEntries) liveUntil.delete(liveUntil.keys().next().value as string);
      liveUntil.set(cacheKey, now() + options.cacheMs);
    }
    return verified.actor;
  };
}
