import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { AppError, DEFAULT_RETRY_AFTER_SECONDS, UnavailableError } from '../errors';
import { actorHeaders } from './internal';

export interface ServiceClientOptions {
  /** Short name for errors and logs: `catalog` → problem code `catalog-unavailable`. */
  name: string;
  baseUrl: string;
  /** Bearer token of the internal API. */
  token: string;
  /** Per-request time-out (default 2000 ms): a slow dependency must not hold the caller's request. */
  timeoutMs?: number;
  /** Attempts for GETs that fail on the network or with 502/503/504 (default 2). */
  getAttempts?: number;
}

export interface CallOptions {
  /** The acting user, sent in X-MarketBill-Actor (the Actor of @marketbill/schemas). */
  actor?: object;
  requestId?: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Extra request headers (e.g. a forwarded `Idempotency-Key`). */
  headers?: Record<string, string>;
  /** Response type; 'arraybuffer' for files. */
  responseType?: 'json' | 'arraybuffer';
}

export interface ServiceClient {
  /** Resolves with the body of a 2xx; 4xx answers reject with an AppError carrying the callee's problem. */
  request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options?: CallOptions): Promise<T>;
}

/** A `Retry-After` in seconds (a date form is turned into seconds from now); the default when absent. */
function retryAfterSeconds(header: unknown): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value === 'string' && value.trim() !== '') {
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds;
    const at = Date.parse(value);
    if (Number.isFinite(at)) return Math.max(1, Math.ceil((at - Date.now()) / 1000));
  }
  return DEFAULT_RETRY_AFTER_SECONDS;
}

/**
 * An HTTP client for another service's internal API (axios). Network errors, time-outs and 5xx
 * become a retriable 503 `<name>-unavailable`, so the edge answers "try again" instead of a 500 —
 * except a 503 problem carrying its own code, which is passed on as it is, with its `Retry-After`;
 * a 4xx from the callee is passed on with the callee's problem code and status, except a 401 (the
 * callee refused our service token), which is a 502 for the end user. Trace context
 * propagates through the http instrumentation; the request id is forwarded.
 */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const http: AxiosInstance = axios.create({
    baseURL: options.baseUrl,
    timeout: options.timeoutMs ?? 2_000,
    headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
    validateStatus: () => true,
    maxRedirects: 0,
  });
  const getAttempts = options.getAttempts ?? 2;

  return {
    async request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, call: CallOptions = {}): Promise<T> {
      const config: AxiosRequestConfig = {
        method,
        url: path,
        params: call.query,
        data: call.body,
        responseType: call.responseType ?? 'json',
        headers: {
          ...(call.headers ?? {}),
          ...(call.actor ? actorHeaders(call.actor) : {}),
          ...(call.requestId ? { 'x-request-id': call.requestId } : {}),
        },
      };
      const attempts = method === 'GET' ? getAttempts : 1;
      for (let attempt = 1; ; attempt++) {
        let status: number;
        let data: unknown;
        let retryAfter: unknown;
        try {
          const response = await http.request(config);
          status = response.status;
          data = response.data;
          retryAfter = response.headers['retry-after'];
        } catch (error) {
          if (attempt < attempts) continue;
          const reason = error instanceof AxiosError ? (error.code ?? error.message) : String(error);
          throw UnavailableError.dependency(options.name, new Error(`${method} ${path}: ${reason}`));
        }
        if (status >= 200 && status < 300) return data as T;
        const problem = (data && typeof data === 'object' && !Buffer.isBuffer(data) ? data : {}) as { code?: string; detail?: string };
        if (status >= 500) {
          if (attempt < attempts && [502, 503, 504].includes(status)) continue;
          if (status === 503 && typeof problem.code === 'string') {
            // The callee said why it cannot serve now and when to come back (billing's view of an
            // order not caught up yet, its database restarting): pass that on rather than
            // blaming the callee as a whole.
            throw new AppError({
              code: problem.code,
              message: problem.detail ?? `${options.name} cannot serve ${method} ${path} now; try again later.`,
              httpStatus: 503,
              retriable: true,
              retryAfterSeconds: retryAfterSeconds(retryAfter),
            });
          }
          throw UnavailableError.dependency(options.name, new Error(`${method} ${path} answered ${status}`));
        }
        if (status === 401) {
          // The callee refused *our* credentials (a token mismatch between services): a fault of
          // the deployment, not of the end user, who must not see a 401 and sign in again.
          throw new AppError({
            code: `${options.name}-unavailable`,
            message: `${options.name} is unavailable; try again later.`,
            httpStatus: 502,
            cause: new Error(`${method} ${path} answered 401 ${problem.code ?? ''}`.trim()),
          });
        }
        throw new AppError({
          code: problem.code ?? `${options.name}-request-refused`,
          message: problem.detail ?? `${options.name} refused ${method} ${path} with ${status}`,
          httpStatus: status,
        });
      }
    },
  };
}
