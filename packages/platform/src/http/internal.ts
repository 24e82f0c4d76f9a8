import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Request } from 'express';
import { UnauthenticatedError } from '../errors';
import { isWarmUpRequest } from './warm-up';

/**
 * Service-to-service calls. Internal APIs (catalog, billing, notifier) are reachable only inside
 * the cluster and still demand a bearer token: a reachable port alone grants nothing. **Each caller
 * has its own credential for each callee** (`INTERNAL_API_CALLERS` on the callee, e.g. ordering's
 * `BILLING_API_TOKEN`), so a credential that leaks from one service opens that one door only — the
 * token ordering uses for catalog does not open billing — and the callee knows who called. The edge, which authenticated the
 * user, names them in the `X-MarketBill-Actor` header so the internal service can check ownership
 * again on its own data (defence in depth) and log who acted. What an actor is (its fields and
 * roles) is ordering's contract, published in @marketbill/schemas (`Actor`, `parseActor`); this
 * package only carries it.
 */
export const ACTOR_HEADER = 'x-marketbill-actor';

/** The header carrying an actor: base64url of its JSON. */
export function actorHeaders(actor: object): Record<string, string> {
  return { [ACTOR_HEADER]: Buffer.from(JSON.stringify(actor)).toString('base64url') };
}

/**
 * The decoded actor header (parsed JSON), for the receiving service to validate against the actor
 * contract (`parseActor` of @marketbill/schemas); undefined when absent or not base64url JSON.
 */
export function readActorHeader(req: Request): unknown {
  const raw = req.get(ACTOR_HEADER);
  if (!raw) return undefined;
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The callers an internal API accepts: caller name → its credential, either the token itself or
 * `sha256:<hex>` of it (then a leak of the callee's settings gives nobody a usable token).
 */
export type InternalCallers = Readonly<Record<string, string>>;

const DIGEST = /^sha256:([0-9a-f]{64})$/;

function digestOf(credential: string): Buffer {
  const match = DIGEST.exec(credential);
  return match ? Buffer.from(match[1] as string, 'hex') : createHash('sha256').update(credential).digest();
}

/**
 * Refuses (401 problem) a request whose bearer token is not one of `callers`' credentials; the
 * caller's name goes to `res.locals.internalCaller` (for logs and per-caller rules). Tokens are
 * compared as SHA-256 digests in constant time, each against every caller, so neither the answer
 * nor its timing tells which caller came close.
 */
export function requireInternalCaller(callers: InternalCallers): RequestHandler {
  const known = Object.entries(callers).map(([name, credential]) => ({ name, digest: digestOf(credential) }));
  if (known.length === 0) throw new Error('an internal API needs at least one caller (INTERNAL_API_CALLERS)');
  return (req, res, next) => {
    // The service's own warm-up, before it is ready (see warm-up.ts); no token passes otherwise.
    if (isWarmUpRequest(req.headers)) {
      res.locals.internalCaller = 'warm-up';
      return next();
    }
    const header = req.get('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!given) return next(UnauthenticatedError.missingCredentials());
    const presented = createHash('sha256').update(given).digest();
    let caller: string | undefined;
    for (const k of known) if (timingSafeEqual(presented, k.digest) && caller === undefined) caller = k.name;
    if (!caller) return next(UnauthenticatedError.invalidToken());
    res.locals.internalCaller = caller;
    next();
  };
}
