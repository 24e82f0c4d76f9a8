import { ConnectionException, DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import { AppError, UnavailableError } from './errors';

/**
 * Why something failed, judged by its cause rather than by a status code:
 *
 * - `infrastructure`: a dependency did not answer or said it cannot serve now (connection refused
 *   or reset, a time-out, DNS, a database shutting down or starting up, too many connections, a
 *   5xx or 429 from another service). Nothing is wrong with the request or the message: the same
 *   work succeeds once the dependency is back, so it is retried for as long as it takes.
 * - `contention`: the database refused this attempt because of concurrent work (deadlock,
 *   serialization failure, lock time-out). Retried at once.
 * - `unknown`: everything else. The caller decides (an AppError says itself whether it is
 *   retriable; a plain error is a bug unless a probe of the dependency shows it is down).
 */
export type FailureCause = 'infrastructure' | 'contention' | 'unknown';

/** Node and undici network error codes: the other end did not answer, or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * SQLSTATEs that say the server cannot serve now, whatever the statement: class 08 (connection
 * exception), 53 (insufficient resources: too many connections, disk full, out of memory), 58
 * (system error, I/O), 57P01 admin shutdown (`pg_ctl stop -m fast`), 57P02 crash shutdown, 57P03
 * cannot connect now ("the database system is starting up" / "shutting down"), 57P05 idle session
 * time-out.
 */
function isUnavailableSqlState(code: string): boolean {
  return /^(08|53|58)/.test(code) || ['57P01', '57P02', '57P03', '57P05'].includes(code);
}

/** 40001 serialization failure, 40P01 deadlock, 55P03 lock not available, 57014 statement time-out. */
const CONTENTION_SQL_STATES = new Set(['40001', '40P01', '55P03', '57014']);

/**
 * Errors of `pg` and knex that carry no code but can only come from a lost or unreachable
 * database: read in pg's `client.js` / `connection.js` and knex's pool and transaction code.
 */
const CODELESS_DATABASE_FAULTS = [
  /Connection terminated/i,
  /Connection ended unexpectedly/i,
  /Client has encountered a connection error and is not queryable/i,
  /timeout exceeded when trying to connect/i,
  /Timeout acquiring a connection/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

/** The error and its causes (`cause`, AggregateError's `errors`), nearest first, at most 8 deep. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 8) {
    const next = queue.shift();
    if (next === undefined || next === null || chain.includes(next)) continue;
    chain.push(next);
    if (typeof next === 'object') {
      const e = next as { cause?: unknown; errors?: unknown; originalError?: unknown };
      if (e.cause !== undefined) queue.push(e.cause);
      if (e.originalError !== undefined) queue.push(e.originalError);
      if (Array.isArray(e.errors)) queue.push(...e.errors);
    }
  }
  return chain;
}

function causeOfOne(error: unknown): FailureCause {
  if (error instanceof DeadlockException || error instanceof LockWaitTimeoutException) return 'contention';
  if (error instanceof ConnectionException) return 'infrastructure';
  if (typeof error !== 'object' || error === null) return 'unknown';
  const e = error as { code?: unknown; name?: unknown; message?: unknown; httpStatus?: unknown };
  if (typeof e.code === 'string') {
    if (NETWORK_CODES.has(e.code)) return 'infrastructure';
    if (/^[0-9A-Z]{5}$/.test(e.code)) {
      if (CONTENTION_SQL_STATES.has(e.code)) return 'contention';
      if (isUnavailableSqlState(e.code)) return 'infrastructure';
    }
  }
  // AbortSignal.timeout() rejects with a DOMException named TimeoutError; knex's pool with KnexTimeoutError.
  if (e.name === 'TimeoutError' || e.name === 'KnexTimeoutError' || e.name === 'ConnectTimeoutError') return 'infrastructure';
  if (typeof e.message === 'string' && CODELESS_DATABASE_FAULTS.some((re) => re.test(e.message as string))) return 'infrastructure';
  return 'unknown';
}

/**
 * Classifies a failure by its cause (see {@link FailureCause}), looking through wrapped causes.
 * An AppError that names an unavailable dependency (`UnavailableError`, any retriable 503) is
 * infrastructure; other AppErrors are `unknown` here — their own `retriable` flag decides.
 */
export function failureCause(error: unknown): FailureCause {
  let found: FailureCause = 'unknown';
  for (const link of causeChain(error)) {
    if (link instanceof AppError) {
      if (link instanceof UnavailableError || (link.retriable && link.httpStatus === 503)) return 'infrastructure';
      continue;
    }
    const cause = causeOfOne(link);
    if (cause === 'infrastructure') return cause;
    if (cause === 'contention') found = cause;
  }
  return found;
}

/** A dependency is unavailable: a connection, a time-out, a database that cannot serve now. */
export function isInfrastructureFault(error: unknown): boolean {
  return failureCause(error) === 'infrastructure';
}

/**
 * Whether a failure can only have come from the database (a SQLSTATE of an unavailable server,
 * or one of pg's and knex's codeless connection errors): the HTTP layer answers it with
 * `503 database-unavailable` instead of a 500.
 */
export function isDatabaseFault(error: unknown): boolean {
  return causeChain(error).some((link) => {
    if (link instanceof ConnectionException) return true;
    if (typeof link !== 'object' || link === null) return false;
    const e = link as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && isUnavailableSqlState(e.code)) return true;
    if (e.name === 'KnexTimeoutError') return true;
    return typeof e.message === 'string' && CODELESS_DATABASE_FAULTS.some((re) => re.test(e.message as string));
  });
}
