import net from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { connectToBroker } from './kafka';

// The broker sockets of every kafkajs client (kafka.ts): a TCP self-connect is refused like a
// refused connection. Linux makes one on demand: a connection from 127.0.0.1:P to 127.0.0.1:P
// while nothing listens on P connects the socket to itself (TCP simultaneous open).

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

describe('broker sockets', () => {
  it('When a connection to a stopped local broker lands on its own port, then it is refused and the port is free for the broker again', async () => {
    const port = await freePort();
    let connected = false;
    // The raw socket does connect to itself (what kafkajs's default factory would hand over as a
    // broker). Whether a server could bind P meanwhile is not checked here: Node binds an explicit
    // local port with SO_REUSEADDR, so this socket does not block a listener the way a client's
    // kernel-chosen port does.
    const raw = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1', localPort: port });
    await new Promise<void>((resolve, reject) => {
      raw.once('connect', resolve);
      raw.once('error', reject);
    });
    expect([raw.localPort, raw.remotePort]).toEqual([port, port]);
    raw.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));

    const socket = connectToBroker({ host: '127.0.0.1', port, onConnect: () => (connected = true), localPort: port });
    // 'close' follows 'error' in the same tick: listen for both before waiting.
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => socket.once('error', resolve));
    await closed;
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toContain('connected to itself');
    expect(connected).toBe(false);
    expect(await bindable(port)).toBe(true);
  });

  it('When a broker listens, then the socket connects as kafkajs expects', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const onConnect = await new Promise<boolean>((resolve, reject) => {
        const socket = connectToBroker({ host: '127.0.0.1', port, onConnect: () => (socket.destroy(), resolve(true)) });
        socket.once('error', reject);
      });
      expect(onConnect).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
