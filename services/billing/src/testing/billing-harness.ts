import { randomBytes, randomUUID } from 'node:crypto';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Producer } from 'kafkajs';
import {
  createEventCodec,
  createKafka,
  createProducer,
  createRegistryClient,
  createTopicNaming,
  ensureTopics,
  type EventCodec,
} from '@marketbill/messaging';
import { actorHeaders, createLogger } from '@marketbill/platform';
import type { Actor, TopicEvents, TopicName } from '@marketbill/schemas';
import { dropSchema, readTopic, serviceDatabase, stackEnv, uniqueName, uniqueTopicPrefix, type TopicReader } from '@marketbill/testing';
import { readConfig } from '../config';
import { createService, type Service } from '../service';
import { topics } from '../topics';

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface BillingHarness {
  service: Service;
  baseUrl: string;
  token: string;
  schema: string;
  prefix: string;
  bucket: string;
  codec: EventCodec<TopicEvents>;
  /** Sends a request to billing's internal API as the edge would. */
  call<T = Record<string, unknown>>(method: string, path: string, options?: { actor?: Actor; body?: unknown; headers?: Record<string, string>; token?: string | null }): Promise<HttpResult<T>>;
  /** Produces an event exactly as ordering does: Avro in the registry's wire format, keyed by aggregate id. */
  produce<T extends TopicName>(topic: T, key: string, event: TopicEvents[T]): Promise<void>;
  /** Produces raw bytes (poisoned messages). */
  produceRaw(topic: TopicName, key: string, value: Buffer): Promise<void>;
  /** Reads a physical topic of this harness from the beginning. */
  read(topic: string): Promise<TopicReader>;
  stop(): Promise<void>;
}

/**
 * Starts the real billing service (HTTP on port 0, its own Postgres schema, topic prefix and
 * bucket) on the shared local stack, plus a producer that plays ordering.
 */
export async function startBilling(overrides: Record<string, string> = {}): Promise<BillingHarness> {
  const env = stackEnv();
  const schema = uniqueName('billing');
  const prefix = uniqueTopicPrefix();
  const bucket = `mb-test-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const token = randomBytes(24).toString('base64url');
  const config = readConfig({
    ...env,
    // Billing connects as its own role, owner of its schema only, as deployed.
    DATABASE_URL: (await serviceDatabase(env.DATABASE_URL, 'billing', schema)).url,
    DATABASE_SCHEMA: schema,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '2',
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    INTERNAL_API_CALLERS: `ordering=${token}`,
    S3_BUCKET: bucket,
    SEAL_ALLOW_PRIVATE_NETWORK: 'true',
    ...overrides,
  });
  const service = await createService(config);
  await service.start();
  const server = service.runtime.server;
  if (!server) throw new Error('billing did not listen');

  const logger = createLogger({ service: 'ordering-test-producer', level: 'silent' });
  const naming = createTopicNaming(topics, prefix);
  const kafka = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'ordering-test', logger });
  const producer: Producer = createProducer(kafka);
  const codec = createEventCodec(createRegistryClient(env.SCHEMA_REGISTRY_URL), naming);
  await ensureTopics(kafka, naming, ['order.placed', 'order.updated', 'wholesaler.profile.updated', 'retailer.profile.updated', 'statement.issued'], { partitions: 2 });
  await producer.connect();
  const readers: TopicReader[] = [];

  return {
    service,
    baseUrl: `${server.url}/internal/v1`,
    token,
    schema,
    prefix,
    bucket,
    codec,
    async call<T>(method: string, path: string, options: { actor?: Actor; body?: unknown; headers?: Record<string, string>; token?: string | null } = {}) {
      const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
      const bearer = options.token === undefined ? token : options.token;
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      if (options.actor) Object.assign(headers, actorHeaders(options.actor));
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${server.url}/internal/v1${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
    },
    async produce(topic, key, event) {
      const value = await codec.encode(topic, event);
      await producer.send({
        topic: naming.topic(topic),
        acks: -1,
        messages: [{ key, value, headers: { 'event-id': event.eventId, 'event-type': topic, 'produced-by': 'ordering' } }],
      });
    },
    async produceRaw(topic, key, value) {
      await producer.send({ topic: naming.topic(topic), acks: -1, messages: [{ key, value }] });
    },
    async read(topic) {
      const reader = await readTopic(kafka, topic);
      readers.push(reader);
      return reader;
    },
    async stop() {
      for (const r of readers) await r.stop().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await service.runtime.stop('test finished');
      await dropSchema(env.DATABASE_URL, schema).catch(() => undefined);
      await deleteBucket(bucket).catch(() => undefined);
    },
  };
}

/** An S3 client on the stack's store (tests read objects and clean up with it). */
export function stackS3(): S3Client {
  const env = stackEnv();
  return new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: env.S3_FORCE_PATH_STYLE !== 'false',
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
  });
}

async function deleteBucket(bucket: string): Promise<void> {
  const s3 = stackS3();
  for (;;) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (listed.Contents ?? []).map((o) => ({ Key: o.Key as string }));
    if (keys.length === 0) break;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  s3.destroy();
}

export const newId = (): string => randomUUID();
