import { AppError } from '@marketbill/platform';

/**
 * Failures talking to the aT open API (or the replay source, which speaks the same protocol).
 * Messages never contain the request URL: it carries the service key.
 */
export class AtApiError extends AppError {
  /** Network error, time-out, 5xx or 429: worth another attempt. */
  static unavailable(reason: string): AtApiError {
    return new AtApiError({ code: 'at-api-unavailable', message: `The aT API is unavailable: ${reason}`, httpStatus: 503, retriable: true });
  }

  /** A 4xx other than 429: our request is wrong (or the key is refused); trying again will not help. */
  static refused(status: number): AtApiError {
    return new AtApiError({ code: 'at-api-refused', message: `The aT API refused the request with HTTP ${status}`, httpStatus: 502 });
  }

  /** The answer's `resultCd` is not "0". */
  static resultCode(resultCd: string, resultMsg: string): AtApiError {
    return new AtApiError({
      code: 'at-api-result-error',
      message: `The aT API answered resultCd ${resultCd}: ${resultMsg.slice(0, 200)}`,
      httpStatus: 502,
      details: { resultCd },
    });
  }

  /** A 2xx whose body is not the expected JSON (a maintenance page, a truncated body): retried. */
  static malformed(reason: string): AtApiError {
    return new AtApiError({ code: 'at-api-malformed-answer', message: `The aT API answer is malformed: ${reason}`, httpStatus: 502, retriable: true });
  }

  /** Paging never ended: a guard against an API that keeps returning full pages. */
  static tooManyPages(pages: number): AtApiError {
    return new AtApiError({ code: 'at-api-too-many-pages', message: `The aT API was still returning full pages after ${pages} pages`, httpStatus: 502 });
  }
}
