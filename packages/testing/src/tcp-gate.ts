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

export async function createTcpGate(target: { host: string; port: number }): Promise<TcpGate> {
  const port = await freePort();
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    port,
    open: () =>
      new Promise<void>((resolve, reject) => {
        if (server) return resolve();
        const s = createServer((client) => {
          const upstream = connect(target.port, target.host);
          for (const socket of [client, upstream]) {
            sockets.add(socket);
            socket.once('close', () => sockets.delete(socket));
          }
          client.pipe(upstream).pipe(client);
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
        for (const socket of sockets) socket.destroy();
        if (!server) return resolve();
        server.close(() => resolve());
        server = undefined;
      }),
  };
}
