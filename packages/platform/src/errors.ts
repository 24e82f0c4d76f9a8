/**
 * The one error base of the system. Every failure a service names extends {@link AppError} and is
 * built by a static factory (`OrderNotFoundError.byId(id)`), so the stable `code` lives in one place.
 *
 * - `code` is a stable kebab-case identifier: clients and dashboards match on it, never on messages.
 * - `httpStatus` is what the HTTP layer answers; messaging ignores it.
 * - `retriable` tells the messaging layer whether trying again can help (a database that is down)
 *   or cannot (a broken payload). Errors that are not AppErrors are programmer bugs and are never retried.
 */
export interface AppErrorOptions {
  code: string;
  message: string;
  httpStatus?: number;
  retriable?: boolean;
  cause?: unknown;
  /** Extra members for the problem+json body (must hold nothing secret). */
  details?: Record<string, unknown>;
  /** When trying again makes sense: sent as `Retry-After` (seconds) with the problem. */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly retriable: boolean;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(options: AppErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.httpStatus = options.httpStatus ?? 500;
    this.retriable = options.retriable ?? false;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** One invalid field of a request or message. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Input that does not satisfy its schema. Nothing was changed. */
export class ValidationError extends AppError {
  readonly issues: FieldIssue[];

  private constructor(message: string, issues: FieldIssue[], code = 'validation-failed') {
    super({ code, message, httpStatus: 400, details: { errors: issues } });
    this.issues = issues;
  }

  static withIssues(issues: FieldIssue[], message = 'The request is not valid.'): ValidationError {
    return new ValidationError(message, issues);
  }

  static field(path: string, message: string): ValidationError {
    return new ValidationError(message, [{ path, message }]);
  }

  static malformedJson(): ValidationError {
    return new ValidationError('The request body is not valid JSON.', [], 'malformed-json');
  }
}

export class UnauthenticatedError extends AppError {
  static missingCredentials(): UnauthenticatedError {
    return new UnauthenticatedError({ code: 'unauthenticated', message: 'Authentication is required.', httpStatus: 401 });
  }

  static invalidToken(): UnauthenticatedError {
    return new UnauthenticatedError({ code: 'invalid-token', message: 'The access token is invalid or expired.', httpStatus: 401 });
  }
}

export class ForbiddenError extends AppError {
  static because(message: string, code = 'forbidden'): ForbiddenError {
    return new ForbiddenError({ code, message, httpStatus: 403 });
  }
}

export class NotFoundError extends AppError {
  /** Also used for resources that exist but belong to someone else: no existence leak. */
  static of(resource: string, id: string | number): NotFoundError {
    return new NotFoundError({
      code: `${resource}-not-found`,
      message: `No ${resource.replace(/-/g, ' ')} with id ${String(id)}.`,
      httpStatus: 404,
    });
  }

  static route(method: string, path: string): NotFoundError {
    return new NotFoundError({ code: 'route-not-found', message: `No route ${method} ${path}.`, httpStatus: 404 });
  }
}

export class ConflictError extends AppError {
  static because(code: string, message: string, details?: Record<string, unknown>): ConflictError {
    return new ConflictError({ code, message, httpStatus: 409, ...(details ? { details } : {}) });
  }
}

export class TooManyRequestsError extends AppError {
  declare readonly retryAfterSeconds: number;

  private constructor(code: string, message: string, retryAfterSeconds: number) {
    super({ code, message, httpStatus: 429, details: { retryAfterSeconds }, retryAfterSeconds });
  }

  static rateLimited(code: string, retryAfterSeconds: number): TooManyRequestsError {
    return new TooManyRequestsError(code, 'Too many requests; try again later.', retryAfterSeconds);
  }
}

/** Seconds a client is told to wait after a dependency failed (`Retry-After` of a 503). */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * A dependency (database, broker, storage, another service) is unavailable; trying again later
 * may work. Answered as 503 with `Retry-After`; the messaging layer retries it for as long as it takes.
 */
export class UnavailableError extends AppError {
  static dependency(name: string, cause?: unknown, retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS): UnavailableError {
    return new UnavailableError({
      code: `${name}-unavailable`,
      message: `${name} is unavailable; try again later.`,
      httpStatus: 503,
      retriable: true,
      cause,
      retryAfterSeconds,
    });
  }
}

/** True for errors that a retry may cure. Unknown errors (programmer bugs) are not retriable. */
export function isRetriable(error: unknown): boolean {
  return error instanceof AppError && error.retriable;
}
