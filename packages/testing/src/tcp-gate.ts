import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A port that refuses connections until opened, then forwards them to `target` — a dependency
 * that "is not up yet" and then comes up, without touching the real server other tests share.
 * The port is reserved by listening once and closing, then left closed until {@link TcpGate.open}.
 */
export interface TcpGate {
  port: number;
  /** Starts accepting and forwarding (the dependency "comes up"). */
  open(): Promise<void>;
  /** Stops accepting and cuts forwarded connections. */
  close(): Promise<void>;
  /**
   * Stops forwarding and keeps every connection open, new ones included: a server that is frozen
   * (SIGSTOP) or cut off by the network answers nothing and refuses nothing. `'answers'` holds only
   * what the server sends: requests reach it and it works, its answers wait (to line up what a
   * client receives in one read).
   */
  freeze(direction?: 'both' | 'answers'): void;
  /** Forwards again, what waited first. */
  thaw(): void;
  /** `address` (`host:port` or a URL) pointed at the gate instead: its host 127.0.0.1, its port the gate's. */
  through(address: string): string;
}

/** The host and port an address names: `host:port`, or a URL's. */
function hostPort(address: string): { host: string; port: number } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname, port: Number(url.port) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A gate in front of `target`: a host and port, or the address (`host:port` or a URL) of the server. */
export async function createTcpGate(target: { host: string; port: number } | string): Promise<TcpGate> {
  const { host, port: targetPort } = typeof target === 'string' ? hostPort(target) : target;
  const port = await freePort();
  let server: Server | undefined;
  let frozen: 'both' | 'answers' | undefined;
  // Each forwarded connection: the client's socket and ours to the target.
  const pairs = new Set<[Socket, Socket]>();
  const requests = ([client, upstream]: [Socket, Socket]) => client.pipe(upstream);
  const answers = ([client, upstream]: [Socket, Socket]) => upstream.pipe(client);
  return {
    port,
    open: () =>
      new Promise<void>((resolve, reject) => {
        if (server) return resolve();
        const s = createServer((client) => {
          const upstream = connect(targetPort, host);
          const pair: [Socket, Socket] = [client, upstream];
          pairs.add(pair);
          // Kept until both halves are closed, so close() still cuts a half left open.
          for (const socket of pair) socket.once('close', () => pair.every((half) => half.destroyed) && pairs.delete(pair));
          if (frozen !== 'both') requests(pair);
          if (!frozen) answers(pair);
          client.once('error', () => upstream.destroy());
          upstream.once('error', () => client.destroy());
        });
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => {
          server = s;
          resolve();
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) pair.forEach((socket) => socket.destroy());
        if (!server) return resolve();
        server.close(() => resolve());
        server = undefined;
      }),
    freeze(direction = 'both') {
      if (frozen) throw new Error('the gate is frozen already');
      frozen = direction;
      for (const [client, upstream] of pairs) {
        upstream.unpipe(client);
        upstream.pause();
        if (direction === 'both') {
          client.unpipe(upstream);
          client.pause();
        }
      }
    },
    thaw() {
      if (!frozen) return;
      for (const pair of pairs) {
        if (frozen === 'both') requests(pair);
        answers(pair);
      }
      frozen = undefined;
    },
    through(address) {
      if (!address.includes('://')) return `127.0.0.1:${port}`;
      const url = new URL(address);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      // The URL class adds a slash to an empty path; keep the address's own form.
      return url.href.replace(/\/$/, address.endsWith('/') ? '/' : '');
    },
  };
}
