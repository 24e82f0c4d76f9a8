import type { Kafka, Producer } from 'kafkajs';
import type { KafkaSecurity, Logger, Orm, RegistryConnection } from '@marketbill/platform';
import type { TopicName } from '@marketbill/schemas';
import { createEventCodec, type EventCodec } from './codec';
import { createKafka, createProducer } from './kafka';
import { createRegistryClient, type RegistryClient } from './registry';
import { createOutboxRelay, type OutboxRelay } from './relay';
import { createSubscriber, type Subscriber, type Subscription } from './subscriber';
import { createTopicNaming, type TopicNaming } from './topic-naming';
import { ensureTopics } from './topics';

export interface MessagingOptions {
  /** The service name: Kafka client id, consumer group and `produced-by` header. */
  service: string;
  brokers: string[];
  /** TLS and SASL of every Kafka client (default: plain TCP, no authentication). */
  kafkaSecurity?: KafkaSecurity;
  schemaRegistryUrl: string;
  /** Registry credentials and CA; when given, its `url` is used instead of `schemaRegistryUrl`. */
  schemaRegistry?: RegistryConnection;
  databaseUrl: string;
  orm: Orm;
  logger: Logger;
  /** Topics this service publishes through its outbox (their schemas are registered at start). */
  publishes: TopicName[];
  /** The service's subscriptions table; empty for a service that only publishes. */
  subscriptions: Subscription[];
  /** Physical topic prefix (tests); empty in production. */
  topicPrefix?: string;
  partitions?: number;
  replicationFactor?: number;
  /** Tuning passed to the subscriber and relay. */
  partitionsConsumedConcurrently?: number;
  relayBatchSize?: number;
  retryAttempts?: number;
  /** Messages per consumer transaction (1 = one transaction per message); see SubscriberOptions. */
  consumerBatchSize?: number;
  initialRetryDelayMs?: number;
}

export interface Messaging {
  kafka: Kafka;
  producer: Producer;
  registry: RegistryClient;
  codec: EventCodec;
  naming: TopicNaming;
  relay: OutboxRelay;
  subscriber: Subscriber | undefined;
  /** Creates topics, registers schemas, connects the producer, starts the relay and the consumer. */
  start(): Promise<void>;
  /** Stops the consumer (committing offsets), then the relay, then the producer. */
  stop(): Promise<void>;
  /** Readiness: the producer is connected and the relay is not failing. */
  check(): Promise<void>;
}

/**
 * Wires the messaging platform for one service: the one place a service's subscriptions and
 * published topics are declared and started (its `main.ts` calls this with its subscriptions table).
 */
export function createMessaging(options: MessagingOptions): Messaging {
  const naming = createTopicNaming(options.topicPrefix ?? '');
  const kafka = createKafka({
    brokers: options.brokers,
    clientId: options.service,
    logger: options.logger,
    ...(options.kafkaSecurity ? { security: options.kafkaSecurity } : {}),
  });
  const producer = createProducer(kafka);
  const registry = createRegistryClient(options.schemaRegistry ?? options.schemaRegistryUrl);
  const codec = createEventCodec(registry, naming);
  const schema = options.orm.config.get('schema') ?? 'public';
  const relay = createOutboxRelay({
    databaseUrl: options.databaseUrl,
    schema,
    producer,
    codec,
    naming,
    logger: options.logger,
    service: options.service,
    ...(options.relayBatchSize ? { batchSize: options.relayBatchSize } : {}),
  });
  const subscriber =
    options.subscriptions.length > 0
      ? createSubscriber({
          kafka,
          producer,
          codec,
          naming,
          orm: options.orm,
          // The prefix isolates the group too: two deployments (or tests) with different prefixes
          // in one group would split each other's partitions, since kafkajs assigns partitions
          // from the group leader's subscriptions only.
          groupId: `${naming.prefix}${options.service}`,
          logger: options.logger,
          subscriptions: options.subscriptions,
          ...(options.partitionsConsumedConcurrently ? { partitionsConsumedConcurrently: options.partitionsConsumedConcurrently } : {}),
          ...(options.retryAttempts ? { attempts: options.retryAttempts } : {}),
          ...(options.consumerBatchSize ? { batchSize: options.consumerBatchSize } : {}),
          ...(options.initialRetryDelayMs ? { initialRetryDelayMs: options.initialRetryDelayMs } : {}),
        })
      : undefined;
  let connected = false;
  producer.on(producer.events.CONNECT, () => void (connected = true));
  producer.on(producer.events.DISCONNECT, () => void (connected = false));

  return {
    kafka,
    producer,
    registry,
    codec,
    naming,
    relay,
    subscriber,
    async start() {
      const topics = [...new Set<TopicName>([...options.publishes, ...options.subscriptions.map((s) => s.topic)])];
      await ensureTopics(kafka, naming, topics, {
        ...(options.partitions ? { partitions: options.partitions } : {}),
        ...(options.replicationFactor ? { replicationFactor: options.replicationFactor } : {}),
      });
      await codec.register(options.publishes);
      await producer.connect();
      relay.start();
      await subscriber?.start();
    },
    async stop() {
      await subscriber?.stop();
      await relay.stop();
      await producer.disconnect();
    },
    async check() {
      if (!connected) throw new Error('Kafka producer is not connected');
      const status = relay.status();
      if (status.lastError) throw new Error(`outbox relay failing: ${status.lastError}`);
    },
  };
}
