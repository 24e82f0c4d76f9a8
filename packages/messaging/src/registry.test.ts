import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { createRegistryClient } from './registry';

// Jest keeps its own module registry, so what a real process loads is watched in a plain Node
// process on the build (dist/). No registry needs to answer: nothing here calls it.
const messaging = path.resolve(__dirname, '../dist/index.js');

const probe = `
const { createRegistryClient } = require(${JSON.stringify(messaging)});
const loaded = () => Object.keys(require.cache).some((file) => file.includes('/node_modules/@kafkajs/confluent-schema-registry/'));
const registry = createRegistryClient('http://127.0.0.1:9/apis/ccompat/v7');
const serving = loaded();
const client = registry.client;
console.log(JSON.stringify({ serving, asked: loaded(), kind: client.constructor.name, same: registry.client === client }));
`;

describe('the registry client', () => {
  it('When a process never asks for the kafkajs registry client, then @kafkajs/confluent-schema-registry is not loaded; asking makes one, once', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe], { timeout: 30_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toEqual({ serving: false, asked: true, kind: 'SchemaRegistry', same: true });
  });

  it('When the registry check gets an answer that is not the registry’s, then the next check asks on a new connection', async () => {
    // The first connection answers every request with an empty 404 (whatever answered a Service
    // address before kube-proxy translated it); connections after it reach the registry.
    let connections = 0;
    const wrong = new WeakSet<object>();
    const server = http.createServer((req, res) => {
      if (wrong.has(req.socket)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    server.on('connection', (socket) => {
      if (++connections === 1) wrong.add(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const registry = createRegistryClient(`http://127.0.0.1:${(server.address() as { port: number }).port}/apis/ccompat/v7`);
      await expect(registry.ping()).rejects.toMatchObject({ code: 'schema-registry-misconfigured' });
      await expect(registry.ping()).resolves.toBeUndefined();
      await expect(registry.ping()).resolves.toBeUndefined();
      expect(connections).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
