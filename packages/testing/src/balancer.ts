import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Balancer {
  url: string;
  close(): Promise<void>;
}

/**
 * What a Kubernetes Service does for the system tests: one address in front of a service's
 * replicas. Each new connection goes to the next replica that accepts it (a replica that is down
 * refuses, and the next is tried); connections to a replica that dies are cut, as they would be.
 */
export async function startBalancer(targets: () => number[]): Promise<Balancer> {
  const sockets = new Set<Socket>();
  let next = 0;
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.pause();
    const ports = targets();
    const tryTarget = (left: number) => {
      if (left === 0 || ports.length === 0) {
        client.destroy();
        sockets.delete(client);
        return;
      }
      const port = ports[next++ % ports.length] as number;
      const upstream = connect(port, '127.0.0.1');
      const refused = () => {
        upstream.destroy();
        tryTarget(left - 1);
      };
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.off('error', refused);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        upstream.on('error', drop).on('close', drop);
        client.on('error', drop).on('close', drop);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryTarget(ports.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
