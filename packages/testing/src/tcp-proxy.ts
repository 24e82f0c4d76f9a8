import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of one real server (Postgres, the schema registry, S3), so a test can take
 * that server away from ONE client without stopping it for everyone else on the shared stack.
 * `down()` is what a client sees when the server dies: open connections are reset and new ones
 * refused (the port stops listening). `up()` listens on the same port again.
 *
 * Not usable for Kafka: clients bootstrap through it, then connect to the broker's advertised
 * address directly. Kafka faults are tested by stopping the broker (tests/faults).
 */
export interface TcpProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string;
  down(): Promise<void>;
  up(): Promise<void>;
  isUp(): boolean;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  function listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(target.port, target.host);
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        s.off('error', reject);
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });
  }

  async function down(): Promise<void> {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await listen();
  return {
    get port() {
      return port;
    },
    rewrite(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
    },
    down,
    async up() {
      if (server) return;
      // The port was ours a moment ago; another process taking it in between is unlikely, but retry briefly.
      for (let attempt = 1; ; attempt++) {
        try {
          await listen();
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50) throw error;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    isUp: () => server !== undefined,
    close: down,
  };
}
