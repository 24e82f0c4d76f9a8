import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDay } from '@marketbill/platform';
import { CATEGORIES } from '../domain/auction-category';
import type { AtItem } from '../domain/parse-at-item';
import { syntheticAuctionDay, type SyntheticOptions } from '../domain/synthetic-auction';

export interface ReplayServer {
  /** Address of `returnData.api`, to hand to the aT client. */
  url: string;
  close(): Promise<void>;
}

/** Said in every replay answer, so nobody mistakes the data for the market's. */
export const REPLAY_RESULT_MSG = 'NORMAL SERVICE. SYNTHETIC REPLAY DATA - NOT REAL MARKET DATA';

/**
 * The replay source: an HTTP server on the loopback interface that answers `returnData.api` like
 * the aT open API (same parameters, paging, JSON shape, numbers as strings) from the synthetic
 * generator. auction-ingest points its ordinary aT client at it when no service key is configured,
 * so the replayed data goes through exactly the code path of the live API.
 */
export async function startReplayServer(options: SyntheticOptions & { host?: string }): Promise<ReplayServer> {
  // The last few generated days, so paging through a day does not regenerate it per page.
  const cache = new Map<string, AtItem[]>();
  function dayItems(day: string, code: number): AtItem[] {
    const key = `${day}|${code}`;
    let items = cache.get(key);
    if (!items) {
      items = syntheticAuctionDay(day, CATEGORIES[code - 1] as (typeof CATEGORIES)[number], options);
      cache.set(key, items);
      if (cache.size > 16) cache.delete(cache.keys().next().value as string);
    }
    return items;
  }

  function answer(res: ServerResponse, body: unknown): void {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://replay');
    if (req.method !== 'GET' || !url.pathname.endsWith('/returnData.api')) {
      res.writeHead(404).end();
      return;
    }
    const q = url.searchParams;
    const fail = (resultCd: string, resultMsg: string) => answer(res, { response: { resultCd, resultMsg, numOfRows: '0', items: [] } });
    if (!q.get('serviceKey')) return fail('30', 'SERVICE KEY IS NOT REGISTERED ERROR.');
    if (q.get('kind') !== 'f001') return fail('10', 'INVALID REQUEST PARAMETER ERROR. (kind)');
    const day = q.get('baseDate') ?? '';
    const code = Number(q.get('flowerGubn'));
    const perPage = Number(q.get('countPerPage') ?? '10');
    const page = Number(q.get('currentPage') ?? '1');
    if (!isDay(day) || ![1, 2, 3, 4].includes(code) || !Number.isInteger(perPage) || perPage < 1 || !Number.isInteger(page) || page < 1) {
      return fail('10', 'INVALID REQUEST PARAMETER ERROR.');
    }
    const items = dayItems(day, code);
    answer(res, {
      response: {
        resultCd: '0',
        resultMsg: REPLAY_RESULT_MSG,
        numOfRows: String(items.length),
        items: items.slice((page - 1) * perPage, page * perPage),
      },
    });
  }

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      res.writeHead(500).end();
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/returnData.api`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
