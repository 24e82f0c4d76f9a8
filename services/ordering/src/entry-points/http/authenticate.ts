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

/**
 * A request's actor whose session the cache could not vouch for: `session` names what to check, and
 * the caller checks it in its own first statement (an idempotent POST: in the Idempotency-Key claim)
 * and reports the answer with `settle`, or calls `check` to ask the database itself.
 */
export interface DeferredSession {
  accountId: string;
  sessionId: string;
  at: Date;
  /** Records the answer of a check made elsewhere: a live session is cached; a dead one throws 401 `session-revoked`. */
  settle(live: boolean): void;
  /** Checks it now (one query), as `authenticate` would have. */
  check(): Promise<void>;
  /** Whether `settle` or `check` has answered. */
  readonly settled: boolean;
}

export interface Authenticate {
  /** The actor, its token and its session checked. */
  (req: Request): Promise<Actor>;
  /** The actor with its token checked; its session too when the cache vouches for it, else handed to the caller. */
  deferred(req: Request): { actor: Actor; session?: DeferredSession };
}

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
 *
 * `deferred` lets a request whose first statement can carry the check (an idempotent POST's claim)
 * save the round trip: same answer, same cache, one statement fewer (bench/ordering).
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticate {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const liveUntil = new Map<string, number>();

  /** The token's actor and session, or a 401; `cached` when the cache vouches for the session. */
  const verify = (req: Request) => {
    const header = req.get('authorization') ?? '';
    if (!header) throw UnauthenticatedError.missingCredentials();
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
    const verified = match ? verifyAccessToken(match[1] as string, options.key, now()) : undefined;
    if (!verified) throw UnauthenticatedError.invalidToken();
    const cacheKey = `${verified.actor.accountId}:${verified.sessionId}`;
    const cached = liveUntil.get(cacheKey);
    if (cached !== undefined && cached > now()) return { ...verified, cacheKey, cached: true };
    liveUntil.delete(cacheKey);
    return { ...verified, cacheKey, cached: false };
  };
  const settle = (cacheKey: string, live: boolean) => {
    if (!live) throw AuthError.sessionRevoked();
    if (options.cacheMs > 0) {
      if (liveUntil.size >= maxEntries) liveUntil.delete(liveUntil.keys().next().value as string);
      liveUntil.set(cacheKey, now() + options.cacheMs);
    }
  };
  const check = async (v: ReturnType<typeof verify>, at: Date) => {
    settle(v.cacheKey, await checkSession(options.orm.em.fork(), v.actor.accountId, v.sessionId, at));
  };

  const authenticate = async (req: Request): Promise<Actor> => {
    const v = verify(req);
    if (!v.cached) await check(v, new Date(now()));
    return v.actor;
  };
  return Object.assign(authenticate, {
    deferred(req: Request): { actor: Actor; session?: DeferredSession } {
      const v = verify(req);
      if (v.cached) return { actor: v.actor };
      const at = new Date(now());
      let settled = false;
      const session: DeferredSession = {
        accountId: v.actor.accountId,
        sessionId: v.sessionId,
        at,
        settle(live) {
          settled = true;
          settle(v.cacheKey, live);
        },
        async check() {
          await check(v, at);
          settled = true;
        },
        get settled() {
          return settled;
        },
      };
      return { actor: v.actor, session };
    },
  });
}
