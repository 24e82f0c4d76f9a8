import type { RequestHandler } from 'express';
import { ForbiddenError } from '@marketbill/platform';

/** Methods the public API uses; a preflight is answered with all of them. */
export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** Request headers a browser client sends beyond the CORS-safelisted ones. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'] as const;
/**
 * Response headers a browser client must be able to read: where a created resource lives, how long
 * to wait after a 429, and the request id to quote to support. The rest are CORS-safelisted.
 */
export const CORS_EXPOSED_HEADERS = ['Location', 'Retry-After', 'X-Request-Id'] as const;
/** How long a browser may cache a preflight answer (Chromium caps this at two hours). */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * True when `value` is a serialised origin as a browser sends it in `Origin`: scheme http or https,
 * host, and a port only when it is not the scheme's default; no path, no trailing slash. A list
 * entry written any other way would never match, so configuration refuses it instead.
 */
export function isSerialisedOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    // A host of letters, digits, dots and dashes (or an IPv6 literal): the URL parser lets `*` through.
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value && /^[a-z0-9.\-[\]:]+$/.test(url.host);
  } catch {
    return false;
  }
}

/**
 * CORS for browser front ends on other origins. Exact matching against the configured list: no
 * wildcard and no credentials mode (the API authenticates with a bearer token, not cookies), so a
 * page on any other origin gets no CORS headers and its browser withholds the answers.
 *
 * - A preflight (OPTIONS with Access-Control-Request-Method) from a listed origin is answered 204
 *   with the methods and headers the API accepts; from any other origin it is refused with 403
 *   `cors-origin-not-allowed` and no CORS headers, which tells a developer with curl why.
 * - Any other request from a listed origin gets Access-Control-Allow-Origin (that origin) and the
 *   exposed headers; errors included, since this runs before the body parser and the routes.
 * - Every answer varies by Origin, so a shared cache never hands one origin's answer to another.
 */
export function corsMiddleware(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    const preflight = req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined;
    if (origin === undefined || !allowed.has(origin)) {
      if (preflight) {
        next(ForbiddenError.because(`The origin ${origin ?? '(none)'} may not call this API from a browser.`, 'cors-origin-not-allowed'));
        return;
      }
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (preflight) {
      res.setHeader('Access-Control-Allow-Methods', CORS_ALLOWED_METHODS.join(', '));
      res.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS.join(', '));
      res.setHeader('Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS));
      res.status(204).end();
      return;
    }
    res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS.join(', '));
    next();
  };
}
