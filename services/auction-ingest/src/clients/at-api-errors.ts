import { AppError } from '@marketbill/platform';

/**
 * What a failure means for the rest of a batch of imports:
 * - `pair`: only this day × category failed; the others go on;
 * - `key`: the service key itself is refused (resultCd 1, 2, 3, or our request is malformed, 5,
 *   or the server refuses our Accept header, 406) — every other request would fail the same way;
 * - `defer`: the daily call budget or the server's daily limit is used up — the work waits for
 *   tomorrow's budget; it has not failed.
 */
export type FailureScope = 'pair' | 'key' | 'defer';

/**
 * Failures talking to the aT open API (or the replay source, which speaks the same protocol).
 * Messages never contain the request URL: it carries the service key.
 */
export class AtApiError extends AppError {
  readonly scope: FailureScope = 'pair';

  private withScope(scope: FailureScope): this {
    (this as { scope: FailureScope }).scope = scope;
    return this;
  }

  /** Network error, time-out, 5xx or 429: worth another attempt. */
  static unavailable(reason: string): AtApiError {
    return new AtApiError({ code: 'at-api-unavailable', message: `The aT API is unavailable: ${reason}`, httpStatus: 503, retriable: true });
  }

  /**
   * 406: the server's handler produces text/plain only, and Spring refuses a request whose Accept
   * header does not admit it. Our client always sends one that does; this is a regression guard.
   */
  static notAcceptable(): AtApiError {
    return new AtApiError({
      code: 'at-api-not-acceptable',
      message: 'The aT API answered HTTP 406: it produces text/plain only and the request’s Accept header does not admit it',
      httpStatus: 502,
    }).withScope('key');
  }

  /** A 4xx other than 406 and 429: our request is wrong; trying again will not help. */
  static refused(status: number): AtApiError {
    return new AtApiError({ code: 'at-api-refused', message: `The aT API refused the request with HTTP ${status}`, httpStatus: 502 });
  }

  /**
   * The server's HTML error page (served with status 200): the handler failed internally. The
   * server does this for a service key it does not know, a missing serviceKey, a non-numeric
   * page parameter, and a query that fails (a day whose quantities sum to zero) — so it may pass,
   * and is retried, but usually means the key is wrong.
   */
  static errorPage(): AtApiError {
    return new AtApiError({
      code: 'at-api-error-page',
      message: 'The aT API answered its HTML error page instead of data (an unknown service key does this, as does a server-side failure)',
      httpStatus: 502,
      retriable: true,
    });
  }

  /** The answer's `resultCd` is not "0": 1 key, 2 period, 3 not approved, 4 daily limit, 5 parameters. */
  static resultCode(resultCd: string, resultMsg: string): AtApiError {
    const meaning: Record<string, string> = {
      '1': 'the service key is wrong',
      '2': 'the service key’s period is over',
      '3': 'the service key is not approved',
      '4': 'the daily call limit is reached',
      '5': 'a request parameter is invalid',
    };
    const error = new AtApiError({
      code: resultCd === '4' ? 'at-api-daily-limit-reached' : 'at-api-result-error',
      message: `The aT API answered resultCd ${resultCd}${meaning[resultCd] ? ` (${meaning[resultCd]})` : ''}: ${resultMsg.slice(0, 200)}`,
      httpStatus: resultCd === '4' ? 503 : 502,
      details: { resultCd },
    });
    return error.withScope(resultCd === '4' ? 'defer' : ['1', '2', '3', '5'].includes(resultCd) ? 'key' : 'pair');
  }

  /** Our own daily call budget for the key is used up (before asking the server). */
  static budgetExhausted(day: string): AtApiError {
    return new AtApiError({
      code: 'at-api-call-budget-exhausted',
      message: `The daily aT call budget of ${day} (Seoul) is used up; the import waits for the next day's budget`,
      httpStatus: 503,
    }).withScope('defer');
  }

  /** A 2xx whose body is not the expected answer (a truncated body, an unknown shape): retried. */
  static malformed(reason: string): AtApiError {
    return new AtApiError({ code: 'at-api-malformed-answer', message: `The aT API answer is malformed: ${reason}`, httpStatus: 502, retriable: true });
  }

  /** Paging never ended: a guard against an API that keeps returning full pages. */
  static tooManyPages(pages: number): AtApiError {
    return new AtApiError({ code: 'at-api-too-many-pages', message: `The aT API was still returning full pages after ${pages} pages`, httpStatus: 502 });
  }
}
