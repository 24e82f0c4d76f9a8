import { describe, expect, it } from '@jest/globals';
import { acceptsTextPlain, createAtServerEmulator, type SaleLot } from './at-server-emulator';

const lot = (over: Partial<SaleLot> = {}): SaleLot => ({
  saleDate: '2026-11-24', flowerGubn: '1', pumName: '장미', goodName: '비탈', lvNm: '특1', maxAmt: 12000, minAmt: 6000, totAmt: 90000, totQty: 10, ...over,
});

function server(lots: SaleLot[], extra: Partial<Parameters<typeof createAtServerEmulator>[0]> = {}) {
  return createAtServerEmulator({ keys: { KEY: {} }, lotsOf: () => lots, ...extra });
}
const query = (over: Record<string, string | undefined> = {}) => {
  const params = { kind: 'f001', serviceKey: 'KEY', baseDate: '2026-11-24', flowerGubn: '1', dataType: 'json', countPerPage: '100', currentPage: '1', ...over };
  return `/api/returnData.api?${new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString()}`;
};
const json = (body: string) => (JSON.parse(body) as { response: Record<string, unknown> }).response;

describe('Accept negotiation (produces = text/plain)', () => {
  it.each([[undefined, true], ['*/*', true], ['text/plain', true], ['application/json, text/plain, */*', true], ['application/json', false], ['application/json, text/plain;q=0', false], ['text/html', false]])(
    'When Accept is %p, then acceptable is %p',
    (accept, ok) => expect(acceptsTextPlain(accept)).toBe(ok),
  );

  it('When the client accepts only JSON, then the answer is Tomcat’s HTML 406 page', () => {
    const answer = server([lot()]).answer({ method: 'GET', url: query(), accept: 'application/json' });
    expect(answer.status).toBe(406);
    expect(answer.contentType).toMatch(/text\/html/);
  });
});

describe('result codes', () => {
  it('When the day is answered, then resultCd is "0", resultMsg "OK", numOfRows counts this page, and every value is a string', () => {
    const lots = [lot(), lot({ goodName: '하이매직', totQty: 5, totAmt: 40000 }), lot({ goodName: '푸에고', totQty: 3, totAmt: 30000 })];
    const response = json(server(lots).answer({ method: 'GET', url: query({ countPerPage: '2' }), accept: '*/*' }).body);
    expect(response).toMatchObject({ resultCd: '0', resultMsg: 'OK', numOfRows: '2' });
    expect(response.items).toEqual([
      { saleDate: '2026-11-24', flowerGubn: '절화', pumName: '장미', goodName: '비탈', lvNm: '특1', maxAmt: '12000', minAmt: '6000', avgAmt: '9000', totAmt: '90000', totQty: '10' },
      expect.objectContaining({ goodName: '하이매직', totQty: '5', avgAmt: '8000' }),
    ]);
  });

  it('When the key is unknown or missing, then the answer is the HTML error page with status 200', () => {
    for (const serviceKey of ['OTHER', undefined]) {
      const answer = server([lot()]).answer({ method: 'GET', url: query({ serviceKey }), accept: undefined });
      expect(answer).toMatchObject({ status: 200, contentType: expect.stringMatching(/text\/html/) });
      expect(answer.body).toContain('<title>Error Page</title>');
    }
  });

  it('When the key is refused, then the codes 2 and 3 come with items and numOfRows null; a blank kind or a bad dataType is 5', () => {
    expect(json(createAtServerEmulator({ keys: { KEY: { periodValid: false } }, lotsOf: () => [] }).answer({ method: 'GET', url: query(), accept: undefined }).body)).toEqual({
      resultCd: '2', resultMsg: expect.any(String), numOfRows: null, items: null,
    });
    expect(json(createAtServerEmulator({ keys: { KEY: { approved: false } }, lotsOf: () => [] }).answer({ method: 'GET', url: query(), accept: undefined }).body)).toMatchObject({ resultCd: '3' });
    expect(json(server([]).answer({ method: 'GET', url: query({ kind: '' }), accept: undefined }).body)).toMatchObject({ resultCd: '5', resultMsg: expect.stringContaining('(kind)') });
    expect(server([]).answer({ method: 'GET', url: query({ dataType: 'csv' }), accept: undefined }).body).toContain('<resultCd>5</resultCd>');
  });

  it('When the key is used past its daily limit, then the server answers "4" — after limit + 1 calls, as its check is calls > limit — and again the next day', () => {
    let now = new Date('2026-11-24T03:00:00Z');
    const s = server([lot()], { dailyCallLimit: 3, now: () => now });
    const codes = Array.from({ length: 6 }, () => json(s.answer({ method: 'GET', url: query(), accept: undefined }).body).resultCd);
    expect(codes).toEqual(['0', '0', '0', '0', '4', '4']);
    expect(s.callsOn('KEY')).toBe(4);
    now = new Date('2026-11-24T15:00:00Z'); // 00:00 the next day in Seoul
    expect(json(s.answer({ method: 'GET', url: query(), accept: undefined }).body).resultCd).toBe('0');
  });
});

describe('the query', () => {
  it('When a row was sold in several lots, then figures are grouped: avgAmt = ROUND(ΣtotAmt / ΣtotQty), not avgAmt × totQty', () => {
    const items = json(server([lot({ totAmt: 10_006, totQty: 1, maxAmt: 10_006, minAmt: 10_006 }), lot({ totAmt: 9_000, totQty: 2, maxAmt: 4_600, minAmt: 4_400 })]).answer({ method: 'GET', url: query(), accept: undefined }).body).items;
    expect(items).toEqual([expect.objectContaining({ maxAmt: '10006', minAmt: '4400', totAmt: '19006', totQty: '3', avgAmt: '6335' })]);
  });

  it('When a column is NULL, then it arrives as ""', () => {
    const items = json(server([lot({ maxAmt: null, totAmt: null })]).answer({ method: 'GET', url: query(), accept: undefined }).body).items;
    expect(items).toEqual([expect.objectContaining({ maxAmt: '', totAmt: '', avgAmt: '', totQty: '10' })]);
  });

  it('When a group’s quantities sum to zero, then the query fails and the answer is the error page', () => {
    expect(server([lot({ totQty: 0, totAmt: 0 })]).answer({ method: 'GET', url: query(), accept: undefined }).body).toContain('Error Page');
  });

  it('When rows tie on quantity, then requests for the same page get them in different orders; a stable server keeps one', () => {
    const lots = ['a', 'b', 'c', 'd', 'e'].map((goodName) => lot({ goodName }));
    const pages = (s: ReturnType<typeof server>) =>
      new Set(Array.from({ length: 6 }, () => (json(s.answer({ method: 'GET', url: query({ countPerPage: '2' }), accept: undefined }).body).items as Array<{ goodName: string }>).map((i) => i.goodName).join()));
    expect(pages(server(lots)).size).toBeGreaterThan(1);
    expect(pages(server(lots, { tieOrder: 'stable' })).size).toBe(1);
  });
});
