import { seoulDay } from '@marketbill/platform';

/**
 * A model of the server behind `flower.at.or.kr/api/returnData.api` (kind=f001), written from its
 * public source (GitHub kimho4979/hwahe: `ApiCallController.loginCheck`, the mapper
 * `sqlmap/dist/apiCall/ApiCall_SQL.xml`, `dispatcher-servlet.xml`, `web.xml`, `common/error.jsp`).
 * The replay source and the fake aT server of the tests both answer through it, so the client is
 * exercised against the server's real habits — see services/auction-ingest/README.md, "The aT API
 * as its server behaves", for each fact and where it comes from.
 *
 * What it reproduces:
 * - the handler is mapped with `produces = text/plain`: a request whose Accept admits no
 *   text/plain gets Tomcat's HTML 406 page;
 * - checks in the handler's order: a key unknown to the server (or no `serviceKey` at all) makes
 *   the handler fail internally and answer the site's HTML error page with status 200; then
 *   resultCd "5" for a blank kind or a dataType other than json/xml, "2" when the key's period is
 *   over, "3" when it is not approved, "4" past the daily call limit; errors carry `items` and
 *   `numOfRows` as null;
 * - success: resultCd "0", resultMsg "OK", `numOfRows` = the rows on this page, as a string;
 * - the SQL: lots of the day and category grouped by (item, variety, grade), max of maxima, min of
 *   minima, sums of amount and quantity, avgAmt = ROUND(SUM(totAmt) / SUM(totQty)) — a zero
 *   quantity sum fails the whole query (ORA-01476) and so the error page —, ordered by quantity
 *   descending (NULLs first, as Oracle sorts them) and paged by ROWNUM, with rows of equal quantity
 *   in a different order on every request (no tie-breaker in the ORDER BY);
 * - every value a string, a NULL column as "" (the VO's fields start as "" and MyBatis does not
 *   call setters for NULLs), `flowerGubn` as the category's Korean name;
 * - the call counter: per key and (Seoul) day, raised only by answered data requests, checked as
 *   `calls > limit`, so the server actually serves limit + 1 calls before answering "4".
 */
export interface SaleLot {
  /** `YYYY-MM-DD`, as T_SALE_DATE.SALE_DATE stores it. */
  saleDate: string;
  /** The category code `1`…`4` (T_SALE_DATE.FLOWER_GUBN). */
  flowerGubn: string;
  pumName: string;
  goodName: string;
  /** The grade's name (T_LEVEL.LV_NAME), e.g. 특1. */
  lvNm: string;
  maxAmt: number | null;
  minAmt: number | null;
  totAmt: number | null;
  totQty: number | null;
}

export interface EmulatedKey {
  /** False once the key's open period (OPEN_STR_DT…OPEN_END_DT) is over: resultCd "2". */
  periodValid?: boolean;
  /** False while the key is not approved (USE_YN = 'N'): resultCd "3". */
  approved?: boolean;
}

export interface AtServerEmulatorOptions {
  /** Service keys the server knows. */
  keys: Record<string, EmulatedKey>;
  /** The sales rows (lots) of a day and category code, before grouping. */
  lotsOf(saleDate: string, flowerGubn: string): readonly SaleLot[];
  /** TB_API_SETTING.MAX_CALL_CNT; undefined = no limit. */
  dailyCallLimit?: number;
  /** `resultMsg` of a successful answer (the server's is "OK"). */
  okMessage?: string;
  now?: () => Date;
  /**
   * How rows of equal quantity are ordered between requests: `rotate` (default) turns every tie
   * group by an amount derived from the request's sequence number — deterministic for a given
   * sequence of requests, different from one request to the next, so a page boundary inside a tie
   * group repeats some rows and skips others, as the live server can; `stable` keeps one order.
   */
  tieOrder?: 'rotate' | 'stable';
}

export interface EmulatedRequest {
  method: string;
  /** Path and query string, e.g. `/api/returnData.api?kind=f001&…`. */
  url: string;
  /** The request's Accept header, if any. */
  accept?: string | undefined;
}

export interface EmulatedAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface AtServerEmulator {
  answer(request: EmulatedRequest): EmulatedAnswer;
  /** Data requests the server counted for `key` on the Seoul day of `at`. */
  callsOn(key: string, at?: Date): number;
  /** Sets the counter (a test simulating other users of the same key). */
  setCalls(key: string, calls: number, at?: Date): void;
}

const CATEGORY_NAMES: Record<string, string> = { '1': '절화', '2': '관엽', '3': '난', '4': '춘란' };

/** The site's error page (common/error.jsp), which sets status 200 whatever went wrong. */
const ERROR_PAGE = [
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
  '<html xmlns="http://www.w3.org/1999/xhtml" lang="ko" xml:lang="ko">',
  '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title>Error Page</title></head>',
  '<body><div id="er"><h1><code>Error</code></h1><div class="er_wrap"><p class="back"><a href="javascript:history.back();">뒤로가기</a></p></div></div></body>',
  '</html>',
].join('\n');

/** Tomcat's own error report (no error-page is configured for these statuses). */
function containerErrorPage(status: number, reason: string, message: string): EmulatedAnswer {
  const body = `<!doctype html><html lang="en"><head><title>HTTP Status ${status} – ${reason}</title></head><body><h1>HTTP Status ${status} – ${reason}</h1><hr class="line" /><p><b>Type</b> Status Report</p><p><b>Description</b> ${message}</p><hr class="line" /><h3>Apache Tomcat</h3></body></html>`;
  return { status, contentType: 'text/html;charset=utf-8', body };
}

const errorPage = (): EmulatedAnswer => ({ status: 200, contentType: 'text/html; charset=utf-8', body: ERROR_PAGE });

/**
 * Spring's `produces` check for `text/plain`: true when the Accept header is absent or admits
 * text/plain (`text/plain`, `text/*`, `*∕*`) with q > 0. A malformed header is not acceptable either.
 */
export function acceptsTextPlain(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim());
    if (!type || !/^[\w.+*-]+\/[\w.+*-]+$/.test(type)) return false;
    const q = params.map((p) => /^q=([0-9.]+)$/i.exec(p)).find(Boolean);
    if (q && Number(q[1]) === 0) continue;
    const [major, minor] = type.toLowerCase().split('/');
    if ((major === '*' && minor === '*') || (major === 'text' && (minor === '*' || minor === 'plain'))) return true;
  }
  return false;
}

/** Java's Integer.parseInt, as the handler applies it to currentPage and countPerPage. */
function javaInt(value: string): number | undefined {
  if (!/^[+-]?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= -(2 ** 31) && n <= 2 ** 31 - 1 ? n : undefined;
}

/** Oracle's ROUND(x, 0) for the non-negative quotients the query computes: half away from zero. */
const oracleRound = (x: number): number => Math.floor(x + 0.5);

interface GroupedRow {
  pumName: string;
  goodName: string;
  lvNm: string;
  maxAmt: number | null;
  minAmt: number | null;
  avgAmt: number | null;
  totAmt: number | null;
  totQty: number | null;
}

const sumOf = (values: Array<number | null>): number | null => (values.every((v) => v === null) ? null : values.reduce<number>((s, v) => s + (v ?? 0), 0));
const extreme = (values: Array<number | null>, pick: (a: number, b: number) => number): number | null => {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => pick(a, b));
};

/** The mapper's GROUP BY; undefined when the query fails (a group whose quantities sum to 0). */
function groupLots(lots: readonly SaleLot[]): GroupedRow[] | undefined {
  const groups = new Map<string, SaleLot[]>();
  for (const lot of lots) {
    const key = JSON.stringify([lot.pumName, lot.goodName, lot.lvNm]);
    groups.set(key, [...(groups.get(key) ?? []), lot]);
  }
  const rows: GroupedRow[] = [];
  for (const group of groups.values()) {
    const first = group[0] as SaleLot;
    const totQty = sumOf(group.map((l) => l.totQty));
    const totAmt = sumOf(group.map((l) => l.totAmt));
    if (totQty === 0) return undefined;
    rows.push({
      pumName: first.pumName,
      goodName: first.goodName,
      lvNm: first.lvNm,
      maxAmt: extreme(group.map((l) => l.maxAmt), Math.max),
      minAmt: extreme(group.map((l) => l.minAmt), Math.min),
      avgAmt: totAmt === null || totQty === null ? null : oracleRound(totAmt / totQty),
      totAmt,
      totQty,
    });
  }
  return rows;
}

/** An integer hash of the request number (so successive requests turn tie groups by unrelated amounts). */
function scramble(n: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** ORDER BY TOT_QTY DESC (NULLs first), with the order inside each tie group turned by `turn` places. */
function orderRows(rows: GroupedRow[], turn: number): GroupedRow[] {
  const rank = (q: number | null) => (q === null ? Number.POSITIVE_INFINITY : q);
  const sorted = [...rows].sort((a, b) => rank(b.totQty) - rank(a.totQty) || (a.pumName + a.goodName + a.lvNm).localeCompare(b.pumName + b.goodName + b.lvNm));
  if (turn === 0) return sorted;
  const out: GroupedRow[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && (sorted[j] as GroupedRow).totQty === (sorted[i] as GroupedRow).totQty) j++;
    const group = sorted.slice(i, j);
    const shift = turn % group.length;
    out.push(...group.slice(shift), ...group.slice(0, shift));
    i = j;
  }
  return out;
}

const text = (v: number | null): string => (v === null ? '' : String(v));

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlAnswer(response: { resultCd: string; resultMsg: string; numOfRows: string | null; items: Array<Record<string, string>> | null }): EmulatedAnswer {
  const el = (name: string, value: string | null) => (value === null ? '' : `<${name}>${xmlEscape(value)}</${name}>`);
  const items = response.items === null ? '' : `<items>${response.items.map((i) => `<item>${Object.entries(i).map(([k, v]) => el(k, v)).join('')}</item>`).join('')}</items>`;
  return {
    status: 200,
    contentType: 'application/xml',
    body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><response>${el('resultCd', response.resultCd)}${el('resultMsg', response.resultMsg)}${el('numOfRows', response.numOfRows)}${items}</response>`,
  };
}

function jsonAnswer(response: unknown): EmulatedAnswer {
  return { status: 200, contentType: 'application/json;charset=UTF-8', body: JSON.stringify({ response }) };
}

export function createAtServerEmulator(options: AtServerEmulatorOptions): AtServerEmulator {
  const now = options.now ?? (() => new Date());
  const calls = new Map<string, number>();
  let requests = 0;
  const counterKey = (key: string, at: Date) => `${key}|${seoulDay(at)}`;

  function answer(request: EmulatedRequest): EmulatedAnswer {
    if (request.method !== 'GET') return containerErrorPage(405, 'Method Not Allowed', 'The method received in the request-line is not supported by the target resource.');
    if (!acceptsTextPlain(request.accept)) {
      return containerErrorPage(406, 'Not Acceptable', 'The target resource does not have a current representation that would be acceptable to the user agent, according to the proactive negotiation header fields received in the request, and the server is unwilling to supply a default representation.');
    }
    requests++;
    const query = new URL(request.url, 'http://at.invalid').searchParams;
    if ([...query.keys()].length === 0) return errorPage();
    const param = (name: string): string | undefined => query.get(name) ?? undefined;
    const serviceKey = param('serviceKey');
    const kind = param('kind');
    const dataType = param('dataType');

    // selectCheckList: filtered by the key and by kind when they are given; get(0) of nothing throws.
    const known = Object.entries(options.keys).filter(([k]) => (serviceKey ? k === serviceKey : true) && (kind ? kind === 'f001' : true));
    const found = known[0];
    if (!found) return errorPage();
    const [storedKey, state] = found;

    let resultCd = '0';
    let resultMsg = options.okMessage ?? 'OK';
    const kindOk = kind !== undefined && kind.trim() !== '';
    if (!kindOk) {
      resultCd = '5';
      resultMsg = '파라미터 입력값이 잘못되었습니다.(kind)';
    }
    const type = dataType?.toLowerCase().trim();
    const typeOk = type === 'xml' || type === 'json';
    if (!typeOk) {
      resultCd = '5';
      resultMsg = '파라미터 입력값이 잘못되었습니다.(dataType)';
    }
    const errorAnswer = () => {
      const response = { resultCd, resultMsg, numOfRows: null, items: null };
      return dataType === 'json' ? jsonAnswer(response) : xmlAnswer(response);
    };
    if (!kindOk || !typeOk) return errorAnswer();
    // pServiceKey.equals(...): no serviceKey parameter at all is a NullPointerException.
    if (serviceKey === undefined) return errorPage();
    const today = counterKey(storedKey, now());
    if (serviceKey !== storedKey) [resultCd, resultMsg] = ['1', '서비스 키 오류입니다.'];
    else if (state.periodValid === false) [resultCd, resultMsg] = ['2', '기간을 다시 설정하여 주십시오.'];
    else if (state.approved === false) [resultCd, resultMsg] = ['3', '미승인된 공공데이터입니다. 관리자에게 문의하십시오.'];
    else if (options.dailyCallLimit !== undefined && (calls.get(today) ?? 0) > options.dailyCallLimit) [resultCd, resultMsg] = ['4', '금일 호출 건수가 만료 되었습니다.'];
    if (resultCd !== '0') return errorAnswer();

    const page = javaInt(param('currentPage') || '1');
    const perPage = javaInt(param('countPerPage') || '10');
    if (page === undefined || perPage === undefined) return errorPage();
    const baseDate = param('baseDate');
    const flowerGubn = param('flowerGubn');
    const lots = baseDate === undefined || flowerGubn === undefined ? [] : options.lotsOf(baseDate, flowerGubn).filter((l) => l.saleDate === baseDate && l.flowerGubn === flowerGubn);
    const grouped = groupLots(lots);
    if (!grouped) return errorPage();
    const ordered = orderRows(grouped, options.tieOrder === 'stable' ? 0 : scramble(requests));
    const first = (page - 1) * perPage + 1;
    const last = first - 1 + perPage;
    const items = ordered
      .filter((_, i) => i + 1 >= first && i + 1 <= last)
      .map((r) => ({
        saleDate: baseDate as string,
        flowerGubn: CATEGORY_NAMES[flowerGubn as string] ?? '',
        pumName: r.pumName,
        goodName: r.goodName,
        lvNm: r.lvNm,
        maxAmt: text(r.maxAmt),
        minAmt: text(r.minAmt),
        avgAmt: text(r.avgAmt),
        totAmt: text(r.totAmt),
        totQty: text(r.totQty),
      }));
    // updateLogList / insertLogList: only an answered data request counts.
    calls.set(today, (calls.get(today) ?? 0) + 1);
    const response = { resultCd, resultMsg, numOfRows: String(items.length), items };
    if (dataType === 'json') return jsonAnswer(response);
    if (dataType === 'xml') return xmlAnswer(response);
    // "JSON" passes the lower-cased check but selects no view: the default view is a missing JSP.
    return errorPage();
  }

  return {
    answer,
    callsOn: (key, at = now()) => calls.get(counterKey(key, at)) ?? 0,
    setCalls: (key, n, at = now()) => void calls.set(counterKey(key, at), n),
  };
}
