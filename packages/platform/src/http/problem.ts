import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, NotFoundError, UnavailableError, ValidationError } from '../errors';
import { isDatabaseFault, isInfrastructureFault } from '../failures';

/** RFC 9457 problem details, with our stable `code` and the request id for support. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  requestId?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_BASE = 'https://marketbill.kr/problems/';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  412: 'Precondition Failed',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The title of an HTTP status, as problems carry it. */
export function statusTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}

export function toProblem(error: AppError, instance: string, requestId?: string): Problem {
  return {
    type: `${PROBLEM_BASE}${error.code}`,
    title: statusTitle(error.httpStatus),
    status: error.httpStatus,
    detail: error.message,
    code: error.code,
    instance,
    ...(requestId ? { requestId } : {}),
    ...(error.details ?? {}),
  };
}

/** Body-parser failures carry `type`/`status`; map the ones a client causes to stable codes. */
function fromBodyParser(error: unknown): AppError | undefined {
  const e = error as { type?: string; status?: number };
  if (e?.type === 'entity.parse.failed') return ValidationError.malformedJson();
  if (e?.type === 'entity.too.large') {
    return new AppError({ code: 'payload-too-large', message: 'The request body is too large.', httpStatus: 413 });
  }
  if (e?.type === 'entity.encoding.invalid') {
    return new AppError({ code: 'invalid-utf8', message: 'The request body is not valid UTF-8.', httpStatus: 400 });
  }
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new AppError({ code: 'unsupported-encoding', message: 'The request body encoding is not supported.', httpStatus: 415 });
  }
  return undefined;
}

export interface ProblemHandlerOptions {
  /**
   * Asked about an error that is not an AppError and not recognisably the database's, before it is
   * answered: resolves true when the database does not answer now (a `select 1` with a short
   * time-out). Some of pg's and knex's failures of a lost connection carry no code (knex's
   * "Transaction query already complete"), and a refused connection does not say to what, so a
   * probe is the only honest test. Only failed requests pay for it.
   */
  databaseDown?: () => Promise<boolean>;
}

/**
 * What an error means for the client. AppErrors are themselves. A failure caused by an unavailable
 * dependency — the database shutting down, starting up or not answering, a connection refused or
 * reset, a time-out — is `503 database-unavailable` (or `dependency-unavailable`) with
 * `Retry-After`, never a 500: the request was fine and will work later. Anything else is a bug.
 */
export async function toAppError(error: unknown, options: ProblemHandlerOptions = {}): Promise<AppError | undefined> {
  if (error instanceof AppError) return error;
  const parsed = fromBodyParser(error);
  if (parsed) return parsed;
  if (isDatabaseFault(error)) return UnavailableError.dependency('database', error);
  // A refused or reset connection says a dependency is gone, not which: the database is the one
  // every request uses, so ask it before naming a dependency in general.
  if (options.databaseDown && (await options.databaseDown().catch(() => true))) return UnavailableError.dependency('database', error);
  if (isInfrastructureFault(error)) return UnavailableError.dependency('dependency', error);
  return undefined;
}

/**
 * The one error renderer: AppErrors become their problem (with `Retry-After` when they say when to
 * retry); dependency failures a 503 (see {@link toAppError}); anything else is a bug, logged with its
 * stack and answered as a bare 500 that echoes no internals.
 */
export function problemHandler(logger: Logger, options: ProblemHandlerOptions = {}): ErrorRequestHandler {
  return async (error, req, res, _next) => {
    const requestId = res.locals.requestId as string | undefined;
    let appError = await toAppError(error, options);
    if (!appError) {
      logger.error({ err: error, requestId, method: req.method, path: req.path }, 'unhandled error in request');
      appError = new AppError({ code: 'internal-error', message: 'An unexpected error occurred.', httpStatus: 500 });
    } else if (appError.httpStatus >= 500) {
      logger.warn({ err: appError, requestId, code: appError.code }, 'request failed with a server-side error');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (appError.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(appError.retryAfterSeconds))));
    res.status(appError.httpStatus).type(PROBLEM_CONTENT_TYPE).json(toProblem(appError, req.originalUrl, requestId));
  };
}

/** The last route: anything unmatched is a 404 problem. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(NotFoundError.route(req.method, req.path));
};
