import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

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
});
