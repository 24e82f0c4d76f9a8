import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Role, ROLES } from '@marketbill/schemas';
import type { Actor } from './actor';

const ISSUER = 'marketbill-ordering';
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/**
 * Access tokens are JWTs signed with HS256 (RFC 7519 / 7515) by this service alone, so a shared
 * HMAC key is enough and nothing asymmetric is needed. Claims: `sub` (account id), `role`, `wid`
 * (the wholesaler an owner or staff member acts for), `sid` (the session: the refresh-token family
 * of the sign-in, which the edge checks is still live on every request), `iat`, `exp`, `iss`. Written by hand on
 * node:crypto (a dozen lines) rather than a library, and verification accepts exactly our header:
 * no `alg` negotiation, so the classic `alg: none` / algorithm-confusion attacks have nothing to use.
 */
export function signAccessToken(actor: Actor, sessionId: string, key: string, ttlSeconds: number, now = Date.now()): { token: string; expiresAt: Date } {
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  const claims = { sub: actor.accountId, role: actor.role, ...(actor.wholesalerId ? { wid: actor.wholesalerId } : {}), sid: sessionId, iat, exp, iss: ISSUER };
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = createHmac('sha256', key).update(body).digest('base64url');
  return { token: `${body}.${signature}`, expiresAt: new Date(exp * 1000) };
}

/**
 * The actor and session of a valid, unexpired token; undefined for anything else (a token without
 * a session, from before sessions were checked, included).
 */
export function verifyAccessToken(token: string, key: string, now = Date.now()): { actor: Actor; sessionId: string } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return undefined;
  const expected = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2] as string, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let claims: { sub?: unknown; role?: unknown; wid?: unknown; sid?: unknown; exp?: unknown; iss?: unknown };
  try {
    claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return undefined;
  }
  if (claims.iss !== ISSUER || typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return undefined;
  if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || !ROLES.includes(claims.role as Role)) return undefined;
  return {
    actor: { accountId: claims.sub, role: claims.role as Role, ...(typeof claims.wid === 'string' ? { wholesalerId: claims.wid } : {}) },
    sessionId: claims.sid,
  };
}
