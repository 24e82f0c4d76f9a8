import { Router, type Request, type Response } from 'express';
import { AppError, parseInput, toExpressPath, type Logger } from '@marketbill/platform';
import { assertRole, type Actor } from '../../domain/actor';
import type { Orm } from '@marketbill/platform';
import { createUseCaseContext, type Settings } from '../../use-cases/context';
import type { Authenticate } from './authenticate';
import { runIdempotent } from '../../use-cases/run-idempotent';
import type { RouteSpec } from './route';

export interface ApiDeps {
  orm: Orm;
  settings: Settings;
  logger: Logger;
  /** This process's presence-lock id, recorded with idempotency claims (`runtime.presence.ownerId`). */
  owner: () => number;
  /** Checks a bearer access token and its session (see createAuthenticator). */
  authenticate: Authenticate;
}

/**
 * Mounts route declarations on an express router: authentication, role check, input parsing,
 * the use-case context (one EntityManager fork per request), idempotency, and the response.
 * Handlers throw; the platform's problem handler renders the error.
 */
export function createApiRouter(routes: RouteSpec[], deps: ApiDeps): Router {
  const router = Router();
  for (const spec of routes) {
    router[spec.method](toExpressPath(spec.path), async (req: Request, res: Response) => {
      const key = req.get('idempotency-key');
      const respond = spec.respond ?? ((r: unknown) => r);
      if (spec.auth === 'bearer' && spec.idempotent && key !== undefined) {
        // The Idempotency-Key claim checks the session in its own statement (one round trip fewer);
        // anything refused before it gets there checks the session first, so a revoked session
        // still answers 401 before any 400 or 403.
        const { actor, session } = deps.authenticate.deferred(req);
        try {
          const input = parse(spec, req, res, actor, deps);
          const answer = await runIdempotent(
            input.ctx,
            deps.owner(),
            actor.accountId,
            key,
            { method: spec.method, path: req.originalUrl, body: req.body },
            spec.status,
            respond,
            (c) => spec.run({ ...input, ctx: c }),
            session,
          );
          send(res, answer.status, answer.body, spec);
        } catch (error) {
          if (session && !session.settled) await session.check();
          throw error;
        }
        return;
      }
      const actor = spec.auth === 'bearer' ? await deps.authenticate(req) : undefined;
      const input = parse(spec, req, res, actor, deps);
      send(res, spec.status, respond(await spec.run(input)), spec);
    });
  }
  // A known path with another method: 405 with Allow, not a 404 (the resource exists).
  const methodsByPath = new Map<string, string[]>();
  for (const spec of routes) methodsByPath.set(spec.path, [...(methodsByPath.get(spec.path) ?? []), spec.method.toUpperCase()]);
  for (const [path, methods] of methodsByPath) {
    router.all(toExpressPath(path), (_req, res) => {
      res.setHeader('Allow', methods.join(', '));
      throw new AppError({ code: 'method-not-allowed', message: `Allowed: ${methods.join(', ')}.`, httpStatus: 405 });
    });
  }
  return router;
}

/** The role check, the parsed input and the use-case context (one EntityManager fork per request). */
function parse(spec: RouteSpec, req: Request, res: Response, actor: Actor | undefined, deps: ApiDeps): Parameters<RouteSpec['run']>[0] {
  if (actor && spec.roles) assertRole(actor, spec.roles);
  const params = spec.params ? parseInput(spec.params, req.params, 'path') : {};
  const query = spec.query ? parseInput(spec.query, req.query, 'query') : {};
  const body = spec.body ? parseInput(spec.body, req.body) : undefined;
  const ctx = createUseCaseContext(deps.orm.em.fork(), deps.settings, deps.logger, req.ip ? { clientIp: req.ip } : {});
  const requestId = String(res.locals.requestId ?? '');
  return { params, query, body, actor: actor as Actor, ctx, requestId, idempotencyKey: req.get('idempotency-key') } as Parameters<RouteSpec['run']>[0];
}

function send(res: Response, status: number, body: unknown, spec: RouteSpec): void {
  if (status === 201 && spec.location && body && typeof body === 'object') res.setHeader('Location', spec.location(body as Record<string, unknown>));
  if (status === 204 || body === undefined) {
    res.status(status).end();
    return;
  }
  res.status(status).json(body);
}
