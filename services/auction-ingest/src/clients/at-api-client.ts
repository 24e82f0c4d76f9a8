import axios, { AxiosError, type AxiosInstance } from 'axios';
import { backoffDelay, seoulDay, sleep, type Logger } from '@marketbill/platform';
import type { AuctionSource } from '@marketbill/schemas';
import type { CategoryInfo } from '../domain/auction-category';
import type { AtItem } from '../domain/parse-at-item';
import { pagesAtTiedBoundaries, rawKeyOf, reconcilePages } from '../domain/reconcile-pages';
import { AtApiError } from './at-api-errors';
import type { CallBudget, CallPriority } from './call-budget';

/** How one day was read, for the import-run log. */
export interface PagingReport {
  /** `single-page` (the rule: the whole day in one answer) or `paged` (the day exceeded the largest page allowed). */
  mode: 'single-page' | 'paged';
  /** `countPerPage` of the read that was kept. */
  countPerPage: number;
  pages: number;
  /** Every request made for this day: larger-page retries, transport retries and repairs included. */
  requests: number;
  /** Rows that came on two pages (kept once). */
  repeated: number;
  /** Of those, rows whose figures differed between pages. */
  changedRepeats: number;
  /** Rows the pages should have held but that never came (skipped by the unstable order), after the repair requests. */
  missing: number;
  /** Rows found by re-reading pages at tied boundaries. */
  repaired: number;
}

/** One auction day of one category as the source answered it. */
export interface FetchedDay {
  items: AtItem[];
  /** What the source said besides the rows (`resultMsg`). */
  resultMsg: string;
  paging: PagingReport;
}

/** Where auction rows come from: the live aT API, or the replay source speaking the same protocol. */
export interface AuctionSourceClient {
  source: AuctionSource;
  fetchDay(saleDate: string, category: CategoryInfo, options?: { priority?: CallPriority }): Promise<FetchedDay>;
}

export interface AtApiClientOptions {
  source: AuctionSource;
  /** `https://flower.at.or.kr/api/returnData.api`, or the replay server's address. */
  url: string;
  /** The service key (secret): sent as a query parameter, never logged nor put in an error. */
  serviceKey: string;
  /** `countPerPage` of the first request (default 5,000: a category-day has about 1,000 rows). */
  pageSize?: number;
  /** The largest `countPerPage` the client asks for before it pages (default 50,000). */
  maxPageSize?: number;
  /** Per-request time-out (default 15 s). */
  timeoutMs?: number;
  /** Attempts per request on network errors, time-outs, 5xx, 429 and the HTML error page (default 5). */
  attempts?: number;
  initialRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Least time between two requests of this client, so a backfill stays polite (default 250 ms). */
  minIntervalMs?: number;
  /** Guard against paging that never ends (default 200). */
  maxPages?: number;
  /** Rounds of re-reading pages at tied boundaries when rows are missing (default 3). */
  repairRounds?: number;
  /** The key's daily call budget; absent = unlimited (the replay source). */
  budget?: CallBudget;
  logger: Logger;
}

const RETRIABLE_NET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/**
 * The server's handler is mapped with `produces = "text/plain;charset=UTF-8"` and answers 406 to a
 * request that does not accept text/plain (its JSON view then writes application/json anyway).
 */
export const AT_ACCEPT_HEADER = 'application/json, text/plain;q=0.9, */*;q=0.1';

interface AtAnswer {
  resultMsg: string;
  items: AtItem[];
}

/** `items` is a list (or null on errors); `{ item: [...] }` is accepted too, as other Korean open APIs write it. */
function itemsOf(raw: unknown): AtItem[] | undefined {
  if (raw === undefined || raw === null || raw === '') return [];
  if (Array.isArray(raw)) return raw.filter((x): x is AtItem => typeof x === 'object' && x !== null);
  if (typeof raw === 'object' && 'item' in raw) return itemsOf((raw as { item: unknown }).item) ?? undefined;
  if (typeof raw === 'object') return [raw as AtItem];
  return undefined;
}

function parseAnswer(body: string): { resultCd: string; resultMsg: string; items: AtItem[] } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    if (/<\s*(!doctype|html)/i.test(body)) throw AtApiError.errorPage();
    throw AtApiError.malformed('the body is not JSON');
  }
  const response = (json as { response?: unknown })?.response;
  if (!response || typeof response !== 'object') throw AtApiError.malformed('no "response" object');
  const r = response as Record<string, unknown>;
  const resultCd = r.resultCd === undefined || r.resultCd === null ? undefined : String(r.resultCd).trim();
  if (resultCd === undefined) throw AtApiError.malformed('no resultCd');
  const resultMsg = typeof r.resultMsg === 'string' ? r.resultMsg : '';
  if (resultCd !== '0') throw AtApiError.resultCode(resultCd, resultMsg);
  const items = itemsOf(r.items);
  if (!items) throw AtApiError.malformed('"items" is neither a list nor absent');
  // numOfRows counts the rows of this page (not the day's total): a mismatch means we misread the answer.
  const rows = typeof r.numOfRows === 'number' ? r.numOfRows : typeof r.numOfRows === 'string' && /^\d+$/.test(r.numOfRows.trim()) ? Number(r.numOfRows) : undefined;
  if (rows !== undefined && rows !== items.length) throw AtApiError.malformed(`numOfRows ${rows} but ${items.length} items`);
  return { resultCd, resultMsg, items };
}

/**
 * The aT open API client (`kind=f001`).
 *
 * - A category-day is read in **one page**: `countPerPage` starts at `pageSize`; a full page means
 *   the day is larger, so the day is asked again with four times the page (up to `maxPageSize`).
 *   The server accepts any `countPerPage` and pages by ROWNUM over an order with ties, so one page
 *   is the only read that is a consistent result.
 * - Only a day larger than `maxPageSize` is paged; then repeats are kept once (never summed),
 *   and rows skipped at tied page boundaries are looked for by re-reading those pages; what stays
 *   missing is reported (`paging.missing`) so the import can say the day is incomplete.
 * - Every request first takes a call from the key's daily budget (`budget`); the server's own "4"
 *   (daily limit reached) marks the budget exhausted. Both defer the work (scope `defer`).
 * - One request at a time per client, at least `minIntervalMs` apart. Network errors, time-outs,
 *   429, 5xx and the server's HTML error page are retried with exponential backoff (full jitter);
 *   406, other 4xx and a `resultCd` other than "0" are not.
 */
export function createAtApiClient(options: AtApiClientOptions): AuctionSourceClient {
  const log = options.logger.child({ component: 'at-api-client', source: options.source });
  const pageSize = options.pageSize ?? 5_000;
  const maxPageSize = Math.max(pageSize, options.maxPageSize ?? 50_000);
  const attempts = options.attempts ?? 5;
  const initialDelay = options.initialRetryDelayMs ?? 500;
  const maxDelay = options.maxRetryDelayMs ?? 15_000;
  const minInterval = options.minIntervalMs ?? 250;
  const maxPages = options.maxPages ?? 200;
  const repairRounds = options.repairRounds ?? 3;
  const http: AxiosInstance = axios.create({
    timeout: options.timeoutMs ?? 15_000,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxRedirects: 0,
    headers: { accept: AT_ACCEPT_HEADER },
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

  interface Read {
    saleDate: string;
    category: CategoryInfo;
    priority: CallPriority;
    requests: number;
  }

  async function requestPage(read: Read, page: number, size: number): Promise<AtAnswer> {
    if (options.budget && !(await options.budget.take(read.priority))) throw AtApiError.budgetExhausted(seoulDay());
    read.requests++;
    const params = {
      kind: 'f001',
      serviceKey: options.serviceKey,
      baseDate: read.saleDate,
      flowerGubn: String(read.category.code),
      dataType: 'json',
      countPerPage: String(size),
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
    if (status === 406) throw AtApiError.notAcceptable();
    if (status === 429 || status >= 500) throw AtApiError.unavailable(`HTTP ${status}`);
    if (status < 200 || status >= 300) throw AtApiError.refused(status);
    try {
      return parseAnswer(body);
    } catch (error) {
      if (error instanceof AtApiError && error.code === 'at-api-daily-limit-reached') await options.budget?.markExhausted();
      throw error;
    }
  }

  async function pageWithRetry(read: Read, page: number, size: number): Promise<AtAnswer> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await requestPage(read, page, size);
      } catch (error) {
        if (!(error instanceof AtApiError) || !error.retriable || attempt >= attempts) throw error;
        const delay = backoffDelay(attempt, initialDelay, maxDelay);
        log.warn({ saleDate: read.saleDate, category: read.category.symbol, page, attempt, retryInMs: delay, reason: error.message }, 'aT request failed; retrying');
        await sleep(delay);
      }
    }
  }

  /** A day larger than the largest page: every page, then re-reads of the pages at tied boundaries. */
  async function readPaged(read: Read, firstPage: AtAnswer, size: number): Promise<FetchedDay> {
    const pages: AtItem[][] = [firstPage.items];
    for (let page = 2; pages.at(-1)?.length === size; page++) {
      if (page > maxPages) throw AtApiError.tooManyPages(maxPages);
      pages.push((await pageWithRetry(read, page, size)).items);
    }
    // Every page but the last was full, so this many distinct rows exist (unless the day changed meanwhile).
    const expected = pages.reduce((n, p) => n + p.length, 0);
    let reconciled = reconcilePages(pages);
    const firstDistinct = reconciled.items.length;
    const suspects = pagesAtTiedBoundaries(pages);
    const rereads: AtItem[][] = [];
    for (let round = 0; round < repairRounds && reconciled.items.length < expected; round++) {
      for (const page of suspects.length > 0 ? suspects : pages.map((_, i) => i + 1)) {
        rereads.push((await pageWithRetry(read, page, size)).items);
      }
      // Re-read pages only add rows not seen yet; their repeats are not repeats of the paging.
      const seen = new Set(reconciled.items.map(rawKeyOf));
      const found = rereads.flat().filter((item) => !seen.has(rawKeyOf(item)));
      reconciled = { ...reconciled, items: [...reconciled.items, ...reconcilePages([found]).items] };
    }
    const paging: PagingReport = {
      mode: 'paged',
      countPerPage: size,
      pages: pages.length,
      requests: read.requests,
      repeated: reconciled.repeated,
      changedRepeats: reconciled.changedRepeats,
      missing: Math.max(0, expected - reconciled.items.length),
      repaired: reconciled.items.length - firstDistinct,
    };
    log.warn({ saleDate: read.saleDate, category: read.category.symbol, ...paging }, 'auction day read over several pages');
    return { items: reconciled.items, resultMsg: firstPage.resultMsg, paging };
  }

  return {
    source: options.source,
    async fetchDay(saleDate, category, fetchOptions = {}) {
      const read: Read = { saleDate, category, priority: fetchOptions.priority ?? 'schedule', requests: 0 };
      let size = pageSize;
      for (;;) {
        const answer = await pageWithRetry(read, 1, size);
        if (answer.items.length < size) {
          log.debug({ saleDate, category: category.symbol, rows: answer.items.length, countPerPage: size, requests: read.requests }, 'auction day fetched');
          const paging: PagingReport = { mode: 'single-page', countPerPage: size, pages: 1, requests: read.requests, repeated: 0, changedRepeats: 0, missing: 0, repaired: 0 };
          return { items: answer.items, resultMsg: answer.resultMsg, paging };
        }
        if (size >= maxPageSize) return readPaged(read, answer, size);
        log.info({ saleDate, category: category.symbol, countPerPage: size }, 'auction day fills the page; asking again with a larger page');
        size = Math.min(maxPageSize, size * 4);
      }
    },
  };
}
