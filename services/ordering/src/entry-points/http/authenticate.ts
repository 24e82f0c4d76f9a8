import type { Request } from 'express';
import { UnauthenticatedError } from '@marketbill/platform';
import { verifyAccessToken } from '../../domain/access-token';
import type { Actor } from '../../domain/actor';

/**
 * The actor of the request's bearer access token. Verification is local (HMAC, expiry, claims):
 * no database read per request. 401 `unauthenticated` without a token, `invalid-token` for a bad one.
 */
export function authenticate(req: Request, key: string): Actor {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
  if (!header) throw UnauthenticatedError.missingCredentials();
  const actor = match ? verifyAccessToken(match[1] as string, key) : undefined;
  if (!actor) throw UnauthenticatedError.invalidToken();
  return actor;
}
