import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAtServerEmulator, type AtServerEmulator, type EmulatedKey, type SaleLot } from '../clients/at-server-emulator';

/** What one request carried and got. */
export interface SeenRequest {
  params: Record<string, string>;
  accept: string | undefined;
  status: number;
  /** The answer's resultCd when it was JSON, else undefined (an HTML page, a dropped connection). */
  resultCd: string | undefined;
}

/** Failures of the network or the web server, served before the emulated answer. */
export type Scripted =
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'drop' };

export interface FakeAtApi {
  url: string;
  requests: SeenRequest[];
  /** Sales lots (rows before the server groups them) per `<baseDate>|<flowerGubn>`; absent = no auction. */
  lots: Map<string, SaleLot[]>;
  /** The keys the server knows and their state (period over, not approved). */
  keys: Record<string, EmulatedKey>;
  /** One-shot failures served before the normal answer, in order, one per request. */
  script: Scripted[];
  emulator: AtServerEmulator;
  close(): Promise<void>;
}

/**
 * A local HTTP server that behaves like the aT open API `returnData.api`: its answers come from
 * the same model of the real server the replay source uses ({@link createAtServerEmulator}: 406
 * for an Accept without text/plain, the HTML error page for an unknown key, resultCd 1–5, the daily
 * call limit, numOfRows per page, unstable ROWNUM paging, strings and "" for NULL), and it can be
 * scripted to fail at the HTTP level (5xx, slow answers, dropped connections) before answering.
 */
export async function startFakeAtApi(options: { serviceKey: string; dailyCallLimit?: number; now?: () => Date; tieOrder?: 'rotate' | 'stable' }): Promise<FakeAtApi> {
  const lots = new Map<string, SaleLot[]>();
  const keys: Record<string, EmulatedKey> = { [options.serviceKey]: {} };
  const emulator = createAtServerEmulator({
    keys,
    lotsOf: (day, gubn) => lots.get(`${day}|${gubn}`) ?? [],
    ...(options.dailyCallLimit !== undefined ? { dailyCallLimit: options.dailyCallLimit } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.tieOrder ? { tieOrder: options.tieOrder } : {}),
  });
  const api = { requests: [] as SeenRequest[], lots, keys, script: [] as Scripted[], emulator };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const params = Object.fromEntries(new URL(req.url ?? '/', 'http://fake').searchParams);
    const accept = req.headers.accept;
    const seen: SeenRequest = { params, accept, status: 0, resultCd: undefined };
    api.requests.push(seen);
    const step = api.script.shift();
    if (step?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (step?.kind === 'status') {
      seen.status = step.status;
      res.writeHead(step.status, { 'content-type': step.contentType ?? 'text/html' });
      res.end(step.body ?? '<html><body>Service Temporarily Unavailable</body></html>');
      return;
    }
    if (step?.kind === 'slow') await new Promise((r) => setTimeout(r, step.delayMs));
    const answer = emulator.answer({ method: req.method ?? 'GET', url: req.url ?? '/', accept });
    seen.status = answer.status;
    if (answer.contentType.startsWith('application/json')) seen.resultCd = (JSON.parse(answer.body) as { response: { resultCd: string } }).response.resultCd;
    res.writeHead(answer.status, { 'content-type': answer.contentType });
    res.end(answer.body);
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

/**
 * `count` sales lots of one day and category, one per (item, variety, grade), so each lot is one
 * row of the answer; quantities fall in tie groups of three (10, 10, 10, 11, 11, 11, …) as real
 * days have many equal quantities.
 */
export function saleLots(saleDate: string, count: number, over: (i: number) => Partial<SaleLot> = () => ({}), flowerGubn = '1'): SaleLot[] {
  return Array.from({ length: count }, (_, i) => ({
    saleDate,
    flowerGubn,
    pumName: i % 2 === 0 ? '장미' : '국화',
    goodName: `품종${i}`,
    lvNm: '특1',
    maxAmt: 12_000 + i,
    minAmt: 6_000 + i,
    totAmt: (9_000 + i) * (10 + Math.floor(i / 3)),
    totQty: 10 + Math.floor(i / 3),
    ...over(i),
  }));
}
