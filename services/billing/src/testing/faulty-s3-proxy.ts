import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * `deny-bucket-checks` answers HeadBucket with 403 (no body, as S3 does for HEAD) and lets object
 * requests through: an identity allowed s3:GetObject/PutObject but not s3:ListBucket.
 */
export type ProxyMode = 'pass' | 'fail-uploads' | 'drop-uploads' | 'deny-bucket-checks';

export interface FaultyS3Proxy {
  url: string;
  mode: ProxyMode;
  /** Object uploads (PUT) seen, whatever became of them. */
  uploads: number;
  close(): Promise<void>;
}

/**
 * A reverse proxy in front of the real S3 store that can break uploads on demand (503 SlowDown, or
 * a dropped connection), the way an S3 outage looks to the SDK. Headers pass unchanged, so the
 * SigV4 signatures made for the proxy's address still verify at the store.
 */
export async function startFaultyS3Proxy(target: string): Promise<FaultyS3Proxy> {
  const upstream = new URL(target);
  const state: FaultyS3Proxy = { url: '', mode: 'pass', uploads: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const isUpload = req.method === 'PUT' && (req.url ?? '/').split('?')[0]!.split('/').filter(Boolean).length >= 2;
    if (isUpload) state.uploads++;
    if (isUpload && state.mode === 'fail-uploads') {
      req.resume();
      res.writeHead(503, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
      return;
    }
    if (isUpload && state.mode === 'drop-uploads') {
      req.socket.destroy();
      return;
    }
    const isBucketHead = req.method === 'HEAD' && (req.url ?? '/').split('?')[0]!.split('/').filter(Boolean).length === 1;
    if (isBucketHead && state.mode === 'deny-bucket-checks') {
      req.resume();
      res.writeHead(403);
      res.end();
      return;
    }
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
