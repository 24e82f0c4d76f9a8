import { AppError, backoffDelay, sleep, type Logger } from '@marketbill/platform';

/** Something the service needs before it can serve: Postgres, Kafka, the registry, a bucket. */
export interface Dependency {
  /** As it appears in logs and in /health/ready: `postgres`, `kafka`, `schema-registry`, `s3`. */
  name: string;
  /** Resolves when the dependency answers as needed; throws (with the reason) otherwise. */
  check: () => Promise<void>;
}

/**
 * Why a check failed, as the start-up wait sees it:
 * - `unreachable`: nothing answers yet or it answers "not now" (refused connection, unknown host,
 *   time-out, Postgres starting up, 5xx): the normal state of a fresh cluster;
 * - `refused`: it answers and says no (wrong password, TLS certificate not trusted, no such
 *   database, 401/403, missing bucket): a setting to fix here or there. Waiting continues, since
 *   it may be fixed there (a role created, a bucket made, a rule relaxed), but the log says so;
 * - `bug`: a programmer error (TypeError and the like): never retried.
 */
export type FailureKind = 'unreachable' | 'refused' | 'bug';

const BUG_TYPES = [TypeError, RangeError, ReferenceError, SyntaxError];

// Node TLS verification failures (X509_V_ERR_* as Node names them).
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

// Postgres SQLSTATEs that mean "you may not" rather than "not now": invalid authorization
// (pg_hba refused), wrong password, no such database, insufficient privilege.
const PG_REFUSED = new Set(['28000', '28P01', '3D000', '42501']);

function chain(error: unknown): unknown[] {
  const seen: unknown[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && !seen.includes(e) && seen.length < 10; e = (e as { cause?: unknown }).cause) {
    seen.push(e);
  }
  return seen;
}

/** Classifies a failed check (see {@link FailureKind}). */
export function classifyFailure(error: unknown): FailureKind {
  const errors = chain(error);
  if (errors.some((e) => BUG_TYPES.some((type) => e instanceof type))) return 'bug';
  for (const e of errors) {
    const code = String((e as { code?: unknown }).code ?? '');
    const name = (e as { name?: unknown }).name;
    if (TLS_CODES.has(code) || PG_REFUSED.has(code)) return 'refused';
    if (name === 'KafkaJSSASLAuthenticationError') return 'refused';
    if (e instanceof AppError && !e.retriable) return 'refused';
  }
  return 'unreachable';
}

/** The failure in one line: each message of the cause chain once (no stack, nothing secret added). */
export function describeFailure(error: unknown): string {
  const messages: string[] = [];
  for (const e of chain(error)) {
    const message = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: unknown }).code;
    const text = code && !message.includes(String(code)) ? `${message} (${String(code)})` : message;
    if (text && !messages.some((m) => m.includes(text))) messages.push(text);
  }
  return messages.join(': ') || 'unknown error';
}

/** What /health/ready reports while the service is starting, and the gate for other requests. */
export interface StartupState {
  /** Undefined once every dependency answered and the service started. */
  waitingFor(): string | undefined;
  /** The last failure of the dependency waited for, in one line. */
  lastFailure(): string | undefined;
  started(): boolean;
}

export interface StartupWait extends StartupState {
  /** Polls `dependency.check` until it passes, with capped exponential backoff; logs every failure. */
  waitFor(dependency: Dependency): Promise<void>;
  markStarted(): void;
}

export interface StartupWaitOptions {
  logger: Logger;
  /** Longest pause between two attempts (STARTUP_RETRY_MAX_DELAY_MS). */
  maxDelayMs: number;
  /** First pause (default 250 ms). */
  initialDelayMs?: number;
  /** Aborted by the shutdown: the wait stops at once with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * The start-up wait. A service started before its dependencies (a fresh cluster, a database
 * restarting) keeps its process, answers /health/live and reports not-ready on /health/ready with
 * what it waits for, and carries on by itself once they answer — rather than exiting, which a
 * Deployment turns into CrashLoopBackOff and skaffold into a failed deploy.
 *
 * Log lines are constant strings with the details in fields: `waiting for a dependency` (warn)
 * while it is unreachable, `a dependency refuses us` (error) when it answers no, and
 * `dependency ready` once it answers.
 */
export function createStartupWait(options: StartupWaitOptions): StartupWait {
  const { logger } = options;
  const initial = options.initialDelayMs ?? 250;
  let current: string | undefined = 'start';
  let failure: string | undefined;
  let done = false;

  return {
    waitingFor: () => (done ? undefined : current),
    lastFailure: () => failure,
    started: () => done,
    markStarted() {
      done = true;
      current = undefined;
      failure = undefined;
    },
    async waitFor(dependency) {
      current = dependency.name;
      failure = undefined;
      const began = Date.now();
      for (let attempt = 1; ; attempt++) {
        options.signal?.throwIfAborted();
        try {
          await dependency.check();
          if (attempt > 1) logger.info({ dependency: dependency.name, attempts: attempt, waitedMs: Date.now() - began }, 'dependency ready');
          failure = undefined;
          return;
        } catch (error) {
          const kind = classifyFailure(error);
          if (kind === 'bug') throw error;
          failure = describeFailure(error);
          // Full jitter, but never below a tenth of the ceiling: replicas spread out without hammering.
          const ceiling = Math.min(options.maxDelayMs, initial * 2 ** Math.min(attempt - 1, 20));
          const delay = Math.max(Math.round(ceiling / 10), backoffDelay(0, ceiling, ceiling));
          const fields = { dependency: dependency.name, attempt, retryInMs: delay, waitedMs: Date.now() - began, reason: failure };
          if (kind === 'refused') logger.error({ ...fields, hint: 'check the settings of this service and of the dependency' }, 'a dependency refuses us');
          else logger.warn(fields, 'waiting for a dependency');
          await sleep(delay, options.signal);
        }
      }
    },
  };
}

/** The 503 other requests get while the service starts (health endpoints are not gated). */
export class ServiceStartingError extends AppError {
  static waitingFor(dependency: string | undefined): ServiceStartingError {
    return new ServiceStartingError({
      code: 'service-starting',
      message: `The service is starting${dependency ? ` (waiting for ${dependency})` : ''}; try again shortly.`,
      httpStatus: 503,
      retriable: true,
    });
  }
}
