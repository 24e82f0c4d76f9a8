import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, NotFoundError, TooManyRequestsError, ValidationError } from '../errors';

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

/**
 * The one error renderer: AppErrors become their problem; anything else is a bug, logged with its
 * stack and answered as a bare 500 that echoes no internals.
 */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const requestId = res.locals.requestId as string | undefined;
    let appError = error instanceof AppError ? error : fromBodyParser(error);
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
    if (appError instanceof TooManyRequestsError) res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    res.status(appError.httpStatus).type(PROBLEM_CONTENT_TYPE).json(toProblem(appError, req.originalUrl, requestId));
  };
}

/** The last route: anything unmatched is a 404 problem. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(NotFoundError.route(req.method, req.path));
};
