import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What one request got: the query parameters the client sent. */
export interface SeenRequest {
  params: Record<string, string>;
}

export type Scripted =
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'result'; resultCd: string; resultMsg: string }
  | { kind: 'drop' };

export interface FakeAtApi {
  url: string;
  requests: SeenRequest[];
  /** Items served for a `<baseDate>|<flowerGubn>` (absent = an empty day). */
  days: Map<string, Array<Record<string, unknown>>>;
  /** Answers to give before the normal one, in order, one per request. */
  script: Scripted[];
  /** How `items` is written: a plain list (default), `{ item: [...] }`, or absent when empty. */
  itemsShape: 'list' | 'wrapped';
  close(): Promise<void>;
}

/**
 * A local HTTP server that behaves like the aT open API `returnData.api` (kind=f001): checks the
 * service key and parameters, pages with countPerPage/currentPage, reports numOfRows as the total,
 * writes every number as a string — and can be scripted to fail (5xx, resultCd errors, slow
 * answers, dropped connections) before answering normally.
 */
export async function startFakeAtApi(options: { serviceKey: string }): Promise<FakeAtApi> {
  const api: Omit<FakeAtApi, 'url' | 'close'> = { requests: [], days: new Map(), script: [], itemsShape: 'list' };
  const send = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const params = Object.fromEntries(url.searchParams);
    api.requests.push({ params });
    const step = api.script.shift();
    if (step?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (step?.kind === 'status') {
      res.writeHead(step.status, { 'content-type': 'text/html' });
      res.end(step.body ?? '<html>error</html>');
      return;
    }
    if (step?.kind === 'slow') await new Promise((r) => setTimeout(r, step.delayMs));
    if (step?.kind === 'result') return send(res, { response: { resultCd: step.resultCd, resultMsg: step.resultMsg } });
    if (params.serviceKey !== options.serviceKey) return send(res, { response: { resultCd: '30', resultMsg: 'SERVICE KEY IS NOT REGISTERED ERROR.' } });
    if (params.kind !== 'f001' || params.dataType !== 'json') return send(res, { response: { resultCd: '10', resultMsg: 'INVALID REQUEST PARAMETER ERROR.' } });
    const all = api.days.get(`${params.baseDate}|${params.flowerGubn}`) ?? [];
    const per = Number(params.countPerPage);
    const page = Number(params.currentPage);
    const items = all.slice((page - 1) * per, page * per);
    const response: Record<string, unknown> = { resultCd: '0', resultMsg: 'NORMAL SERVICE.', numOfRows: String(all.length) };
    if (items.length > 0) response.items = api.itemsShape === 'wrapped' ? { item: items } : items;
    send(res, { response });
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(api, {
    url: `http://127.0.0.1:${port}/api/returnData.api`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/** `count` well-formed aT items of one day and category, numbers as strings. */
export function atItems(saleDate: string, count: number, over: (i: number) => Record<string, unknown> = () => ({})): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({
    saleDate,
    flowerGubn: '절화',
    pumName: i % 2 === 0 ? '장미' : '국화',
    goodName: `품종${i}`,
    lvNm: '상',
    maxAmt: String(12_000 + i),
    minAmt: String(6_000 + i),
    avgAmt: String(9_000 + i),
    totAmt: String((9_000 + i) * 10),
    totQty: '10',
    ...over(i),
  }));
}
