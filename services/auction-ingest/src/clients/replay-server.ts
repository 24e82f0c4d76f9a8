import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CATEGORIES } from '../domain/auction-category';
import { syntheticSaleLots, type SyntheticLot, type SyntheticOptions } from '../domain/synthetic-auction';
import { createAtServerEmulator } from './at-server-emulator';

export interface ReplayServer {
  /** Address of `returnData.api`, to hand to the aT client. */
  url: string;
  /** The service key the replay server knows (not a secret: it only opens synthetic data). */
  serviceKey: string;
  close(): Promise<void>;
}

/** Said in every successful replay answer (where the server says "OK"), so nobody mistakes the data for the market's. */
export const REPLAY_RESULT_MSG = 'OK - SYNTHETIC REPLAY DATA, NOT REAL MARKET DATA';
export const REPLAY_SERVICE_KEY = 'replay';

/**
 * The replay source: an HTTP server on the loopback interface that answers `returnData.api` through
 * the same model of the aT server as the tests' fake ({@link createAtServerEmulator}) — Accept
 * negotiation, result codes, the error page, per-page `numOfRows`, ROWNUM paging with unstable
 * ties, strings and the grouped figures — from the synthetic generator. auction-ingest points its
 * ordinary aT client at it when no service key is configured, so replayed days go through exactly
 * the code path of the live API. `dailyCallLimit` rehearses the server's quota (off by default).
 */
export async function startReplayServer(options: SyntheticOptions & { host?: string; dailyCallLimit?: number }): Promise<ReplayServer> {
  // The last few generated days, so paging through a day does not regenerate it per page.
  const cache = new Map<string, SyntheticLot[]>();
  function dayLots(day: string, gubn: string): SyntheticLot[] {
    const category = CATEGORIES.find((c) => String(c.code) === gubn);
    if (!category || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return [];
    const key = `${day}|${gubn}`;
    let lots = cache.get(key);
    if (!lots) {
      lots = syntheticSaleLots(day, category, options);
      cache.set(key, lots);
      if (cache.size > 16) cache.delete(cache.keys().next().value as string);
    }
    return lots;
  }
  const emulator = createAtServerEmulator({
    keys: { [REPLAY_SERVICE_KEY]: {} },
    lotsOf: dayLots,
    okMessage: REPLAY_RESULT_MSG,
    ...(options.dailyCallLimit !== undefined ? { dailyCallLimit: options.dailyCallLimit } : {}),
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://replay');
    if (!url.pathname.endsWith('/returnData.api')) {
      res.writeHead(404).end();
      return;
    }
    const answer = emulator.answer({ method: req.method ?? 'GET', url: req.url ?? '/', accept: req.headers.accept });
    res.writeHead(answer.status, { 'content-type': answer.contentType });
    res.end(answer.body);
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
    serviceKey: REPLAY_SERVICE_KEY,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
