import axios, { AxiosError, type AxiosInstance } from 'axios';
import { backoffDelay, sleep, type Logger } from '@marketbill/platform';
import type { AuctionSource } from '@marketbill/schemas';
import type { CategoryInfo } from '../domain/auction-category';
import type { AtItem } from '../domain/parse-at-item';
import { AtApiError } from './at-api-errors';

/** One auction day of one category as the source answered it, all pages together. */
export interface FetchedDay {
  items: AtItem[];
  pages: number;
  /** What the source said besides the rows (`resultMsg` of the first page). */
  resultMsg: string;
}

/** Where auction rows come from: the live aT API, or the replay source speaking the same protocol. */
export interface AuctionSourceClient {
  source: AuctionSource;
  fetchDay(saleDate: string, category: CategoryInfo): Promise<FetchedDay>;
}

export interface AtApiClientOptions {
  source: AuctionSource;
  /** `https://flower.at.or.kr/api/returnData.api`, or the replay server's address. */
  url: string;
  /** The service key (secret): sent as a query parameter, never logged nor put in an error. */
  serviceKey: string;
  /** `countPerPage` (default 1000). */
  pageSize?: number;
  /** Per-request time-out (default 15 s). */
  timeoutMs?: number;
  /** Attempts per page on network errors, time-outs, 5xx and 429 (default 5). */
  attempts?: number;
  initialRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Least time between two requests of this client, so a backfill stays polite (default 250 ms). */
  minIntervalMs?: number;
  /** Guard against paging that never ends (default 200). */
  maxPages?: number;
  logger: Logger;
}

const RETRIABLE_NET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

interface AtAnswer {
  resultCd: string;
  resultMsg: string;
  numOfRows: number | undefined;
  items: AtItem[];
}

/** `items` arrives as an array, as `{ item: [...] }` / `{ item: {...} }` like other Korean open APIs, or absent on an empty day. */
function itemsOf(raw: unknown): AtItem[] | undefined {
  if (raw === undefined || raw === null || raw === '') return [];
  if (Array.isArray(raw)) return raw.filter((x): x is AtItem => typeof x === 'object' && x !== null);
  if (typeof raw === 'object' && 'item' in raw) return itemsOf((raw as { item: unknown }).item) ?? undefined;
  if (typeof raw === 'object') return [raw as AtItem];
  return undefined;
}

function parseAnswer(body: string): AtAnswer {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw AtApiError.malformed('the body is not JSON');
  }
  const response = (json as { response?: unknown })?.response;
  if (!response || typeof response !== 'object') throw AtApiError.malformed('no "response" object');
  const r = response as Record<string, unknown>;
  const resultCd = r.resultCd === undefined || r.resultCd === null ? undefined : String(r.resultCd).trim();
  if (resultCd === undefined) throw AtApiError.malformed('no resultCd');
  const items = itemsOf(r.items);
  if (!items) throw AtApiError.malformed('"items" is neither a list nor absent');
  const rows = typeof r.numOfRows === 'number' ? r.numOfRows : typeof r.numOfRows === 'string' && /^\d+$/.test(r.numOfRows.trim()) ? Number(r.numOfRows) : undefined;
  return { resultCd, resultMsg: typeof r.resultMsg === 'string' ? r.resultMsg : '', numOfRows: rows, items };
}

/**
 * The aT open API client (`kind=f001`): fetches every page of one day and category, politely.
 *
 * - One request at a time per client, at least `minIntervalMs` apart.
 * - Network errors, time-outs, 429 and 5xx are retried with exponential backoff (full jitter);
 *   other 4xx and a `resultCd` other than "0" are not: they will not get better by asking again.
 * - Paging: `currentPage` from 1 with `countPerPage`; it stops at the first page shorter than the
 *   page size, or once `numOfRows` rows are in when `numOfRows` is clearly the total (larger than a
 *   page). The documentation is vague on whether `numOfRows` is the total or the page's count, so
 *   a short page is the rule and `numOfRows` only saves the last, empty request.
 */
export function createAtApiClient(options: AtApiClientOptions): AuctionSourceClient {
  const log = options.logger.child({ component: 'at-api-client', source: options.source });
  const pageSize = options.pageSize ?? 1000;
  const attempts = options.attempts ?? 5;
  const initialDelay = options.initialRetryDelayMs ?? 500;
  const maxDelay = options.maxRetryDelayMs ?? 15_000;
  const minInterval = options.minIntervalMs ?? 250;
  const maxPages = options.maxPages ?? 200;
  const http: AxiosInstance = axios.create({
    timeout: options.timeoutMs ?? 15_000,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxRedirects: 0,
    headers: { accept: 'application/json' },
  });

  // Serialises requests and spaces them out.
  let queue: Promise<unknown> = Promise.resolve();
  let lastRequestAt = 0;
  function politely<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(async () => {
      const wait = lastRequestAt + minInterval - Date.now();
      if (wait > 0) await sleep(wait);
      lastRequestAt = Date.now();
      return fn();
    });
    queue = run.catch(() => undefined);
    return run;
  }

  async function requestPage(saleDate: string, category: CategoryInfo, page: number): Promise<AtAnswer> {
    const params = {
      kind: 'f001',
      serviceKey: options.serviceKey,
      baseDate: saleDate,
      flowerGubn: String(category.code),
      dataType: 'json',
      countPerPage: String(pageSize),
      currentPage: String(page),
    };
    let status: number;
    let body: string;
    try {
      const response = await politely(() => http.get<string>(options.url, { params }));
      status = response.status;
      body = typeof response.data === 'string' ? response.data : String(response.data);
    } catch (error) {
      // Only the error code: an AxiosError's message and config carry the URL with the key.
      const code = error instanceof AxiosError ? (error.code ?? 'network-error') : 'network-error';
      if (error instanceof AxiosError && (RETRIABLE_NET_CODES.has(code) || !error.response)) throw AtApiError.unavailable(code);
      throw AtApiError.unavailable('request failed');
    }
    if (status === 429 || status >= 500) throw AtApiError.unavailable(`HTTP ${status}`);
    if (status < 200 || status >= 300) throw AtApiError.refused(status);
    const answer = parseAnswer(body);
    if (answer.resultCd !== '0' && answer.resultCd !== '00') throw AtApiError.resultCode(answer.resultCd, answer.resultMsg);
    return answer;
  }

  async function pageWithRetry(saleDate: string, category: CategoryInfo, page: number): Promise<AtAnswer> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await requestPage(saleDate, category, page);
      } catch (error) {
        if (!(error instanceof AtApiError) || !error.retriable || attempt >= attempts) throw error;
        const delay = backoffDelay(attempt, initialDelay, maxDelay);
        log.warn({ saleDate, category: category.symbol, page, attempt, retryInMs: delay, reason: error.message }, 'aT request failed; retrying');
        await sleep(delay);
      }
    }
  }

  return {
    source: options.source,
    async fetchDay(saleDate, category) {
      const items: AtItem[] = [];
      let resultMsg = '';
      for (let page = 1; ; page++) {
        if (page > maxPages) throw AtApiError.tooManyPages(maxPages);
        const answer = await pageWithRetry(saleDate, category, page);
        if (page === 1) resultMsg = answer.resultMsg;
        items.push(...answer.items);
        const totalKnown = answer.numOfRows !== undefined && answer.numOfRows > pageSize;
        if (answer.items.length < pageSize || (totalKnown && items.length >= (answer.numOfRows as number))) {
          log.debug({ saleDate, category: category.symbol, pages: page, rows: items.length }, 'auction day fetched');
          return { items, pages: page, resultMsg };
        }
      }
    },
  };
}
