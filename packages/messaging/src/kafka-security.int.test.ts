import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { z } from 'zod';
import { createLogger, createOrm, loadConfig, messagingEnv, migrate, platformEnv, toRuntimeConfig, type KafkaSecurity, type Orm } from '@marketbill/platform';
import { type OrderUpdated, type TopicEvents, TOPICS } from '@marketbill/schemas';
import { dropSchema, secureStack, stackEnv, uniqueName, uniqueTopicPrefix, waitFor, type SecureStack } from '@marketbill/testing';
import { bindTopics, createKafka, createKafkaCheck, createMessaging, type Messaging, messagingMigrations, OutboxMessageSchema } from './index';

const topics = bindTopics<TopicEvents>(TOPICS);
const { on, publish } = topics;

// Against Kafka's SASL_SSL listener of the local stack: TLS with the stack CA's certificate for
// 127.0.0.1, one user known to SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN (tools/stack/kafka.ts).
const secure = secureStack();
const env = stackEnv();
const logged: string[] = [];
const logger = createLogger({ service: 'kafka-security-test', level: 'debug', destination: new Writable({ write: (c, _e, done) => (logged.push(String(c)), done()) }) });

const describeSecure = secure.stack ? describe : describe.skip;
if (!secure.stack) process.stderr.write(`kafka-security.int.test: skipped: ${secure.reason}\n`);

jest.setTimeout(90_000);

function securityFor(stack: SecureStack, mechanism: string, password = stack.kafka.password, caFile = stack.caFile): KafkaSecurity {
  return {
    ssl: { ca: readFileSync(caFile, 'utf8') },
    sasl: { mechanism: mechanism as 'plain', username: stack.kafka.username, password },
  };
}

describeSecure('Kafka TLS and SASL: the clients against a SASL_SSL listener', () => {
  const stack = secure.stack as SecureStack;

  it.each(['scram-sha-256', 'scram-sha-512', 'plain'])('When the mechanism is %s with the right password and CA, then admin, producer and consumer work', async (mechanism) => {
    const kafka = createKafka({ brokers: [stack.kafka.saslSslBrokers], clientId: 'kafka-security-test', logger, security: securityFor(stack, mechanism) });
    const topic = uniqueName(`sec-${mechanism}`);
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: uniqueName('sec') });
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: false });
      await producer.connect();
      await waitFor(
        async () => {
          await producer.send({ topic, messages: [{ key: 'k', value: mechanism }] });
          return true;
        },
        { description: 'the new topic to accept a message' },
      );
      const values: string[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
      await waitFor(() => values.length > 0, { description: 'the message read back over SASL_SSL' });
      expect(values[0]).toBe(mechanism);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('When the password is wrong, then the check fails with a SASL authentication error', async () => {
    const check = createKafkaCheck({ brokers: [stack.kafka.saslSslBrokers], clientId: 'kafka-security-test', logger, security: securityFor(stack, 'scram-sha-512', 'not-the-password') });
    await expect(check()).rejects.toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
  });

  it('When the client trusts another CA, then the TLS handshake is refused before any password is sent', async () => {
    const check = createKafkaCheck({ brokers: [stack.kafka.saslSslBrokers], clientId: 'kafka-security-test', logger, security: securityFor(stack, 'plain', stack.kafka.password, stack.otherCaFile) });
    // kafkajs wraps the connection error of its last attempt (`cause`) in KafkaJSNumberOfRetriesExceeded.
    const error = (await check().catch((e: unknown) => e)) as { cause?: { name?: string; code?: string } };
    expect(error.cause).toMatchObject({ name: 'KafkaJSConnectionError', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('When the right settings are checked, then the start-up check passes', async () => {
    await createKafkaCheck({ brokers: [stack.kafka.saslSslBrokers], clientId: 'kafka-security-test', logger, security: securityFor(stack, 'scram-sha-256') })();
  });

  it('When these clients connected and failed, then the password never appeared in the logs (debug level included)', () => {
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toContain(stack.kafka.password);
  });
});

describeSecure('Kafka TLS and SASL: from the environment to the messaging platform', () => {
  const stack = secure.stack as SecureStack;
  const schema = uniqueName('ksec');
  let orm: Orm;
  let messaging: Messaging<TopicEvents> | undefined;

  beforeAll(async () => {
    orm = await createOrm({ url: env.DATABASE_URL, schema, entities: [OutboxMessageSchema], migrations: messagingMigrations });
    await migrate(orm, env.DATABASE_URL);
  });

  afterAll(async () => {
    await messaging?.stop();
    await orm.close();
    await dropSchema(env.DATABASE_URL, schema);
  });

  it('When KAFKA_SSL, KAFKA_SSL_CA_FILE and SCRAM-SHA-512 with a password file are set, then the outbox relay publishes and the subscriber consumes over SASL_SSL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksec-'));
    writeFileSync(join(dir, 'password'), `${stack.kafka.password}\n`, { mode: 0o600 });
    const values = loadConfig(z.object({ ...platformEnv, ...messagingEnv }), {
      DATABASE_URL: env.DATABASE_URL,
      SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL,
      KAFKA_BROKERS: stack.kafka.saslSslBrokers,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: stack.caFile,
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: stack.kafka.username,
      KAFKA_SASL_PASSWORD_FILE: join(dir, 'password'),
    });
    const config = toRuntimeConfig('ksec', values, { httpPort: 0, databaseSchema: schema });
    expect(config.kafka.security.sasl).toMatchObject({ mechanism: 'scram-sha-512', username: stack.kafka.username, password: stack.kafka.password });

    const seen: string[] = [];
    messaging = createMessaging({
      service: uniqueName('ksec'),
      brokers: config.kafka.brokers,
      kafkaSecurity: config.kafka.security,
      schemaRegistryUrl: config.schemaRegistryUrl,
      databaseUrl: env.DATABASE_URL,
      orm,
      logger,
      topics,
      publishes: ['order.updated'],
      subscriptions: [on('order.updated', async (event) => void seen.push(event.eventId))],
      topicPrefix: uniqueTopicPrefix(),
      partitions: 1,
    });
    await messaging.start();
    const event = orderUpdated();
    await orm.em.fork().transactional(async (em) => publish(em, 'order.updated', event.order.orderId, event));
    await waitFor(() => seen.includes(event.eventId), { timeoutMs: 60_000, description: 'the event through relay, SASL_SSL and the subscriber' });
    const detail = await messaging.detail();
    expect(detail.kafka).toEqual({ producerConnected: true });
    expect(detail.relay).not.toHaveProperty('lastError');
  });
});

function orderUpdated(): OrderUpdated {
  const party = (name: string) => ({ id: randomUUID(), name, phone: null, sealedPhone: 's1.opaque' });
  return {
    eventId: randomUUID(),
    occurredAt: Date.now(),
    change: 'PRICES_SET',
    order: {
      orderId: randomUUID(),
      orderNumber: '261125-000001',
      version: 1,
      status: 'PLACED',
      placement: 'MANUAL',
      placedAt: Date.now(),
      saleDay: '2026-11-25',
      retailer: party('꽃담플라워'),
      wholesaler: party('양재꽃상회'),
      memo: null,
      fulfilment: { method: 'PICKUP', state: 'PENDING', address: null },
      lines: [],
      priceState: 'UNPRICED',
      total: 0,
      pricedAt: null,
    },
  };
}
