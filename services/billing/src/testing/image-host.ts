import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { corruptPng, sealPng } from './seal-png';

export interface ImageHost {
  url(path: string): string;
  /** Requests seen per path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/**
 * An image host as wholesalers' seal URLs point to, good and bad: a real seal, and hosts that are
 * slow, trickle bytes, send too much, lie about the type, redirect, 404, or serve broken or huge PNGs.
 */
export async function startImageHost(): Promise<ImageHost> {
  const hits = new Map<string, number>();
  const seal = sealPng();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const png = (body: Buffer) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length });
      res.end(body);
    };
    switch (path) {
      case '/seal.png':
        return png(seal);
      case '/seal.jpg': {
        // A tiny baseline JPEG header is enough for the type check; pdfkit reads its SOF.
        return png(Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64'));
      }
      case '/slow.png': {
        const t = setTimeout(() => png(seal), 5_000);
        timers.add(t);
        return;
      }
      case '/trickle.png': {
        res.writeHead(200, { 'content-type': 'image/png' });
        let i = 0;
        const t = setInterval(() => res.write(seal.subarray(i, ++i)), 50);
        timers.add(t);
        res.on('close', () => clearInterval(t));
        return;
      }
      case '/huge.png':
        return png(Buffer.concat([seal.subarray(0, 8), Buffer.alloc(2 * 1024 * 1024)]));
      case '/huge-chunked.png': {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(seal.subarray(0, 8));
        for (let k = 0; k < 40; k++) res.write(Buffer.alloc(64 * 1024));
        return res.end();
      }
      case '/seal.gif':
        return png(Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64'));
      case '/corrupt.png':
        return png(corruptPng());
      case '/bomb.png': {
        const bomb = Buffer.from(seal);
        bomb.writeUInt32BE(30_000, 16);
        bomb.writeUInt32BE(30_000, 20);
        return png(bomb);
      }
      case '/redirect.png':
        res.writeHead(302, { location: '/seal.png' });
        return res.end();
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => `${base}${path}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
