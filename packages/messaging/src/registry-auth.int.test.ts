import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { z } from 'zod';
import { loadConfig, messagingEnv, platformEnv, toRuntimeConfig, UnavailableError, type RuntimeConfig } from '@marketbill/platform';
import { type ConnectionRequested, type TopicEvents, TOPICS } from '@marketbill/schemas';
import { secureStack, startSecureRegistry, stackEnv, uniqueTopicPrefix, waitFor, type SecureRegistry, type SecureStack } from '@marketbill/testing';
import { bindTopics, createEventCodec, createRegistryClient, createTopicNaming, RegistryAccessDeniedError } from './index';

const topics = bindTopics<TopicEvents>(TOPICS);

// Against a second Apicurio Registry that serves HTTPS only (the stack CA's certificate for
// 127.0.0.1) and wants HTTP basic auth from its embedded users: the registry our services meet
// when a managed one hands out a URL, a user and a password.
const secure = secureStack();
const env = stackEnv();
const describeSecure = secure.stack ? describe : describe.skip;
if (!secure.stack) process.stderr.write(`registry-auth.int.test: skipped: ${secure.reason}\n`);

jest.setTimeout(180_000);

describeSecure('Schema registry: basic auth and TLS', () => {
  const stack = secure.stack as SecureStack;
  const password = randomBytes(18).toString('base64url');
  let registry: SecureRegistry;

  beforeAll(async () => {
    registry = await startSecureRegistry(stack, {
      'mb-service': { password, role: 'sr-developer' },
      'mb-reader': { password, role: 'sr-readonly' },
    });
    // Its first requests are slow (lazy initialisation after "Listening"): wait until it answers.
    const client = createRegistryClient({ url: registry.url, username: 'mb-service', password, ca: readFileSync(stack.caFile, 'utf8') }, { timeoutMs: 30_000 });
    await waitFor(() => client.ping().then(() => true), { timeoutMs: 60_000, description: 'the secure registry to answer' });
  });

  afterAll(async () => {
    await registry?.stop();
  });

  /** The shared settings as a service would read them. */
  function configFrom(extra: Record<string, string>): RuntimeConfig {
    const values = loadConfig(z.object({ ...platformEnv, ...messagingEnv }), {
      DATABASE_URL: env.DATABASE_URL,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      SCHEMA_REGISTRY_URL: registry.url,
      SCHEMA_REGISTRY_CA_FILE: stack.caFile,
      ...extra,
    });
    return toRuntimeConfig('registry-auth-test', values, { httpPort: 0, databaseSchema: 'unused' });
  }

  it('When no credentials are sent, then the registry answers 401 and the client says access is denied (not "unavailable")', async () => {
    const client = createRegistryClient(configFrom({}).schemaRegistry);
    await expect(client.ping()).rejects.toBeInstanceOf(RegistryAccessDeniedError);
  });

  it('When the password is wrong, then access is denied', async () => {
    const client = createRegistryClient(configFrom({ SCHEMA_REGISTRY_USERNAME: 'mb-service', SCHEMA_REGISTRY_PASSWORD: 'wrong' }).schemaRegistry);
    await expect(client.ping()).rejects.toMatchObject({ code: 'schema-registry-access-denied' });
  });

  it('When the client trusts another CA, then it fails in the TLS handshake', async () => {
    const config = configFrom({ SCHEMA_REGISTRY_USERNAME: 'mb-service', SCHEMA_REGISTRY_PASSWORD: password, SCHEMA_REGISTRY_CA_FILE: stack.otherCaFile });
    const error = await createRegistryClient(config.schemaRegistry).ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).cause).toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('When user and password file are set, then schemas register and events encode and decode (both HTTP clients authenticate over TLS)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regauth-'));
    writeFileSync(join(dir, 'password'), `${password}\n`, { mode: 0o600 });
    const config = configFrom({ SCHEMA_REGISTRY_USERNAME: 'mb-service', SCHEMA_REGISTRY_PASSWORD_FILE: join(dir, 'password') });
    const client = createRegistryClient(config.schemaRegistry);
    await client.ping();
    const codec = createEventCodec(client, createTopicNaming(topics, uniqueTopicPrefix()));
    await codec.register(['connection.requested']);
    const event: ConnectionRequested = {
      eventId: randomUUID(),
      occurredAt: Date.now(),
      connectionId: randomUUID(),
      retailer: { id: randomUUID(), name: '꽃담플라워', phone: null, sealedPhone: 's1.opaque-retailer' },
      wholesaler: { id: randomUUID(), name: '양재꽃상회', phone: null, sealedPhone: 's1.opaque-wholesaler' },
    };
    const bytes = await codec.encode('connection.requested', event);
    // A codec of its own: decoding fetches the writer's schema by id through the kafkajs client.
    const reader = createEventCodec(createRegistryClient(config.schemaRegistry), createTopicNaming(topics, uniqueTopicPrefix()));
    expect(await reader.decode('connection.requested', bytes)).toEqual(event);
  });

  it('When the credentials come as user-info in the URL, then they are used, and the URL the service keeps (and may log) holds none', async () => {
    const withUserInfo = new URL(registry.url);
    withUserInfo.username = 'mb-reader';
    withUserInfo.password = password;
    const config = configFrom({ SCHEMA_REGISTRY_URL: withUserInfo.href });
    expect(config.schemaRegistryUrl).toBe(registry.url);
    expect(JSON.stringify({ url: config.schemaRegistryUrl })).not.toContain(password);
    await createRegistryClient(config.schemaRegistry).ping();
  });

  it('When a read-only user tries to register, then the refusal is an access-denied error, not a retry', async () => {
    const client = createRegistryClient(configFrom({ SCHEMA_REGISTRY_USERNAME: 'mb-reader', SCHEMA_REGISTRY_PASSWORD: password }).schemaRegistry);
    await expect(client.register(`${uniqueTopicPrefix()}readonly-value`, '{"type":"string"}')).rejects.toMatchObject({ code: 'schema-registry-access-denied', retriable: false });
  });
});
