import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Request } from 'express';
import { z } from 'zod';
import { UnauthenticatedError } from '../errors';

/**
 * Service-to-service calls. Internal APIs (catalog, billing, notifier) are reachable only inside
 * the cluster and still demand a bearer token shared through a Kubernetes Secret
 * (`INTERNAL_API_TOKEN`): a reachable port alone grants nothing. The edge, which authenticated the
 * user, names them in the `X-MarketBill-Actor` header so the internal service can check ownership
 * again on its own data (defence in depth) and log who acted.
 */
export const ACTOR_HEADER = 'x-marketbill-actor';

export const ROLES = ['RETAILER', 'WHOLESALER_OWNER', 'WHOLESALER_STAFF', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

const actorSchema = z.object({
  /** The account acting. */
  accountId: z.uuid(),
  role: z.enum(ROLES),
  /** For owners and staff: the wholesaler (owner account id) they act for. */
  wholesalerId: z.uuid().optional(),
});

export type Actor = z.output<typeof actorSchema>;

/** Header value carrying the actor (base64url JSON). */
export function actorHeaders(actor: Actor): Record<string, string> {
  return { [ACTOR_HEADER]: Buffer.from(JSON.stringify(actor)).toString('base64url') };
}

/** The actor the edge named, or undefined when none or malformed. */
export function readActor(req: Request): Actor | undefined {
  const raw = req.get(ACTOR_HEADER);
  if (!raw) return undefined;
  try {
    const parsed = actorSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses (401 problem) any request without `Authorization: Bearer <token>`; constant-time compare. */
export function requireInternalToken(token: string): RequestHandler {
  if (token.length < 16) throw new Error('INTERNAL_API_TOKEN must be at least 16 characters');
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!given) return next(UnauthenticatedError.missingCredentials());
    if (!sameSecret(given, token)) return next(UnauthenticatedError.invalidToken());
    next();
  };
}
