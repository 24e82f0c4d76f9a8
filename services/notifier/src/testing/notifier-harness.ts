import { randomBytes, randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { createLogger } from '@marketbill/platform';
import { createEventCodec, createKafka, createProducer, createRegistryClient, createTopicNaming, type EventCodec } from '@marketbill/messaging';
import type { TopicEvents, TopicName } from '@marketbill/schemas';
import { dropSchema, stackEnv, uniqueName, uniqueTopicPrefix, waitFor, type ReadMessage, serviceDatabase } from '@marketbill/testing';
import { readConfig } from '../config';
import { TEST_SEALING_KEY } from './sample-events';
import { createService, type Service } from '../service';
import type { FakeSensServer } from './fake-sens-server';
import { topics } from '../topics';

/** A notifier running on the shared stack in its own schema, topics and consumer group. */
export interface NotifierHarness {
  service: Service;
  /** Base URL of its HTTP server. */
  url: string;
  token: string;
  schema: string;
  prefix: string;
  databaseUrl: string;
  /** Publishes an event as a producing service would (Avro, Confluent wire format). */
  produce<T extends TopicName>(topic: T, key: string, event: TopicEvents[T]): Promise<void>;
  /** Publishes raw bytes (poisoned messages, exact redeliveries). */
  produceRaw(topic: TopicName, key: string, value: Buffer): Promise<void>;
  /** Publishes many encoded messages in one request (the benchmark's load). */
  produceBatch(topic: TopicName, messages: Array<{ key: string; value: Buffer }>): Promise<void>;
  encode<T extends TopicName>(topic: T, event: TopicEvents[T]): Promise<Buffer>;
  /** Reads the dead-letter topics of `topics` (one throw-away consumer) until `count` messages arrived. */
  deadLetters(topics: TopicName[], count: number, timeoutMs?: number): Promise<ReadMessage[]>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra settings (SMS_*, APP_ENV…); the fake SENS server's keys are added when `sens` is given. */
  env?: Record<string, string>;
  sens?: FakeSensServer;
  logDestination?: Parameters<typeof createLogger>[0]['destination'];
}

/**
 * Starts the notifier service as it runs in production (its real config, runtime, Kafka consumer,
 * HTTP server and sender) with a fresh schema, topic prefix and consumer group, on port 0.
 * Used by the component tests and the benchmark.
 */
export async function startNotifier(options: HarnessOptions = {}): Promise<NotifierHarness> {
  const stack = stackEnv();
  const schema = uniqueName('notifier');
  const prefix = uniqueTopicPrefix();
  const token = randomBytes(24).toString('base64url');
  const sensEnv: Record<string, string> = options.sens
    ? {
        SMS_PROVIDER: 'sens',
        SENS_BASE_URL: options.sens.url,
        SENS_ACCESS_KEY: options.sens.accessKey,
        SENS_SECRET_KEY: options.sens.secretKey,
        SENS_SERVICE_ID: options.sens.serviceId,
        SENS_FROM: options.sens.from,
      }
    : {};
  const base = readConfig({
    // The notifier connects as its own role, owner of its schema only, as deployed.
    DATABASE_URL: (await serviceDatabase(stack.DATABASE_URL, 'notifier', schema)).url,
    KAFKA_BROKERS: stack.KAFKA_BROKERS,
    SCHEMA_REGISTRY_URL: stack.SCHEMA_REGISTRY_URL,
    DATABASE_SCHEMA: schema,
    KAFKA_TOPIC_PREFIX: prefix,
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    // Quiet by default (kafkajs logs topic-creation races at error level); a test can raise it.
    LOG_LEVEL: 'fatal',
    APP_ENV: 'test',
    INTERNAL_API_CALLERS: `ordering=${token}`,
    EVENT_SEALING_KEY: TEST_SEALING_KEY,
    PUBLIC_WEB_URL: 'https://web.test.marketbill.kr',
    SMS_POLL_INTERVAL_MS: '100',
    SMS_RETRY_INITIAL_DELAY_MS: '100',
    SMS_RETRY_MAX_DELAY_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '20000',
    ...sensEnv,
    ...options.env,
  });
  // The consumer group is the service name; a test needs its own, or parallel tests (and a
  // notifier started by `npm run up`) would share partitions of topics they do not subscribe to.
  const config = { ...base, runtime: { ...base.runtime, service: uniqueName('notifier') } };
  const service = await createService(config, options.logDestination ? { logDestination: options.logDestination } : {});
  await service.start();

  const logger = createLogger({ service: 'notifier-test', level: 'silent' });
  const kafka = createKafka({ brokers: stack.KAFKA_BROKERS.split(','), clientId: 'notifier-test', logger });
  const producer: Producer = createProducer(kafka);
  await producer.connect();
  const naming = createTopicNaming(topics, prefix);
  const codec: EventCodec<TopicEvents> = createEventCodec(createRegistryClient(stack.SCHEMA_REGISTRY_URL), naming);

  async function produceRaw(topic: TopicName, key: string, value: Buffer): Promise<void> {
    await producer.send({ topic: naming.topic(topic), acks: -1, messages: [{ key, value }] });
  }

  return {
    service,
    url: service.runtime.server?.url ?? '',
    token,
    schema,
    prefix,
    databaseUrl: stack.DATABASE_URL,
    encode: (topic, event) => codec.encode(topic, event),
    async produce(topic, key, event) {
      const value = await codec.encode(topic, event);
      await producer.send({ topic: naming.topic(topic), acks: -1, messages: [{ key, value, headers: { 'event-id': event.eventId } }] });
    },
    produceRaw,
    async produceBatch(topic, messages) {
      await producer.send({ topic: naming.topic(topic), acks: -1, messages });
    },
    async deadLetters(topics, count, timeoutMs = 30_000) {
      const consumer = kafka.consumer({ groupId: `test-dlq-${randomUUID()}` });
      const messages: ReadMessage[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: topics.map((t) => naming.deadLetter(t)), fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(message.headers ?? {})) {
              const first = Array.isArray(v) ? v[0] : v;
              if (first !== undefined) headers[k] = first.toString();
            }
            messages.push({ topic, partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value, headers });
          },
        });
        return await waitFor(() => messages.length >= count && messages, { timeoutMs, description: `${count} dead letters` });
      } finally {
        await consumer.disconnect();
      }
    },
    async stop() {
      await producer.disconnect();
      await service.runtime.stop('test finished');
      await dropSchema(stack.DATABASE_URL, schema);
    },
  };
}
