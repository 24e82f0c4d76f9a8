import type { Kafka, Producer } from 'kafkajs';
import { backoffDelay, sleep, type HealthDetail, type KafkaSecurity, type Logger, type Metric, type Orm, type RegistryConnection, quoteIdentifier } from '@marketbill/platform';
import { createEventCodec, type EventCodec } from './codec';
import { createKafka, createProducer } from './kafka';
import { createRegistryClient, type RegistryClient } from './registry';
import { createOutboxRelay, type OutboxRelay, type RelayStatus, type RelayStep } from './relay';
import { isTransient } from './dead-lettering';
import { createSubscriber, type Subscriber } from './subscriber';
import type { Subscription } from './subscriptions';
import type { AnyEvents, EventMap, TopicOf, Topics } from './topic-catalog';
import { createTopicNaming, type TopicNaming } from './topic-naming';
import { ensureTopics } from './topics';

export interface MessagingOptions<E extends EventMap<E>> {
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
  /** The service's topics, bound to their event types (`bindTopics<TopicEvents>(TOPICS)`): names, settings and schemas. */
  topics: Topics<E>;
  /** Topics this service publishes through its outbox (their schemas are registered at start). */
  publishes: Array<TopicOf<E>>;
  /** The service's subscriptions table; empty for a service that only publishes. */
  subscriptions: Subscription[];
  /** Physical topic prefix (tests); empty in production. */
  topicPrefix?: string;
  partitions?: number;
  replicationFactor?: number;
  /** Tuning passed to the subscriber and relay. */
  partitionsConsumedConcurrently?: number;
  relayBatchSize?: number;
  /** The relay's pause after a partial round, gathering the events committed meanwhile (see OutboxRelayOptions.lingerMs; default 20 ms). */
  relayLingerMs?: number;
  retryAttempts?: number;
  /** Messages per consumer transaction (1 = one transaction per message); see SubscriberOptions. */
  consumerBatchSize?: number;
  initialRetryDelayMs?: number;
  /** Longest pause of a consumer partition waiting for a dependency (see SubscriberOptions). */
  maxRetryDelayMs?: number;
  /** Kafka consumer session time-out (see SubscriberOptions; default 10 s). */
  sessionTimeoutMs?: number;
  /**
   * Age of the oldest unpublished outbox event, and wait of a paused consumer partition, above which
   * `/health/detail` reports `alert` (default 60 s). Events wait in the outbox while Kafka or the
   * registry is down: nothing is lost, but someone should look.
   */
  alertAfterSeconds?: number;
  /**
   * Seconds a relay round (read, publish, delete) may run before `/health/detail` says `degraded`
   * and `marketbill_outbox_relay_failing` is 1 (default 5). A healthy round takes milliseconds; a
   * broker that is frozen or cut off keeps the connection open and answers nothing, and the
   * producer's own time-out (30 s) is what would report it otherwise.
   */
  relayStalledAfterSeconds?: number;
}

/** How many events wait in the outbox and for how long, and how many were set aside as unencodable. */
export interface OutboxBacklog {
  events: number;
  oldestAgeSeconds: number;
  failed: number;
}

export interface Messaging<E = AnyEvents> {
  kafka: Kafka;
  producer: Producer;
  registry: RegistryClient;
  codec: EventCodec<E>;
  naming: TopicNaming<E>;
  relay: OutboxRelay;
  subscriber: Subscriber | undefined;
  /**
   * Creates the topics and registers the schemas. Idempotent, so a caller may repeat it after a
   * failure (the runtime's start-up wait does: a registry that answers its ping may still time out
   * on the first registration while it warms up).
   */
  prepare(): Promise<void>;
  /** prepare() unless done, then connects the producer, starts the relay and the consumer. */
  start(): Promise<void>;
  /** Stops the consumer (committing offsets), then the relay, then the producer. */
  stop(): Promise<void>;
  /** The outbox's backlog now (one cheap query). */
  backlog(): Promise<OutboxBacklog>;
  /**
   * For `/health/detail`, never for readiness: Kafka or the registry being down does not stop a
   * service from serving (events wait in the outbox, consumers wait at their message). `degraded`
   * while the producer is disconnected, the relay fails or a consumer partition waits; `alert`
   * when the oldest outbox event or a waiting partition is older than the alert threshold.
   */
  detail(): Promise<HealthDetail>;
  /** Gauges and counters for `/metrics`. */
  metrics(): Promise<Metric[]>;
}

/**
 * Wires the messaging platform for one service: the one place a service's subscriptions and
 * published topics are declared and started (its `main.ts` calls this with its subscriptions table).
 */
export function createMessaging<E extends EventMap<E>>(options: MessagingOptions<E>): Messaging<E> {
  const naming = createTopicNaming(options.topics, options.topicPrefix ?? '');
  const subscribed: Array<TopicOf<E>> = [];
  for (const { topic } of options.subscriptions) {
    if (!naming.has(topic)) throw new Error(`a subscription to ${topic}, which is not in the service's topics`);
    subscribed.push(topic);
  }
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
    ...(options.relayLingerMs !== undefined ? { lingerMs: options.relayLingerMs } : {}),
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
          ...(options.maxRetryDelayMs ? { maxRetryDelayMs: options.maxRetryDelayMs } : {}),
          ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
          ...(options.alertAfterSeconds ? { pausedAlertSeconds: options.alertAfterSeconds } : {}),
        })
      : undefined;
  const alertAfterSeconds = options.alertAfterSeconds ?? 60;
  const relayStalledAfterSeconds = options.relayStalledAfterSeconds ?? 5;
  /** How long the relay's round in flight has run (0 between rounds). */
  const roundSeconds = (status: RelayStatus) => (status.round ? (Date.now() - status.round.since.getTime()) / 1000 : 0);
  /** The relay's round in flight when it has run too long: what it waits on, and for how long. */
  function stalledRound(status: RelayStatus): { waitingOn: RelayStep; seconds: number } | undefined {
    const seconds = roundSeconds(status);
    return status.round && seconds >= relayStalledAfterSeconds ? { waitingOn: status.round.step, seconds: Math.round(seconds) } : undefined;
  }
  const log = options.logger.child({ component: 'messaging' });
  const table = quoteIdentifier(schema);
  let prepared = false;
  async function prepare(): Promise<void> {
    const topics = [...new Set([...options.publishes, ...subscribed])];
    await ensureTopics(kafka, naming, topics, {
      ...(options.partitions ? { partitions: options.partitions } : {}),
      ...(options.replicationFactor ? { replicationFactor: options.replicationFactor } : {}),
    });
    await codec.register(options.publishes);
    prepared = true;
  }
  let connected = false;
  producer.on(producer.events.CONNECT, () => void (connected = true));
  producer.on(producer.events.DISCONNECT, () => void (connected = false));

  /**
   * Runs a start-up step against Kafka or the registry until it gets through: a dependency that
   * answered the start-up wait a moment ago can still time out once (a registry busy with another
   * service's registrations); that is a reason to try again, not to exit. Failures that waiting
   * cannot cure (a schema the registry refuses, a bug) end the start as before.
   */
  async function untilAvailable<T>(step: string, work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isTransient(error)) throw error;
        const delay = backoffDelay(Math.min(attempt, 6), 500, 10_000) + 200;
        log.warn({ err: error, step, attempt, retryInMs: delay }, 'a dependency did not answer during start-up; retrying');
        await sleep(delay);
      }
    }
  }

  /**
   * The reader side's schemas, fetched before consuming: messages already in Kafka then decode
   * while the registry is down. Retried until the registry answers (a subject nobody has
   * published to yet simply has no versions).
   */
  async function warmSchemas(topics: Array<TopicOf<E>>): Promise<void> {
    const held = await untilAvailable('warming reader schemas', () => codec.warm(topics));
    log.info({ topics, schemas: held }, 'reader schemas warmed');
  }

  async function backlog(): Promise<OutboxBacklog> {
    const [row] = await options.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ events: number; oldest: number | null; failed: number }>>(
        `select (select count(*)::int from (select 1 from ${table}.outbox limit 1000000) o) as events,
                (select extract(epoch from now() - created_at)::float8 from ${table}.outbox order by id limit 1) as oldest,
                (select count(*)::int from ${table}.outbox_failed) as failed`,
      );
    return { events: row?.events ?? 0, oldestAgeSeconds: Math.max(0, Math.round(row?.oldest ?? 0)), failed: row?.failed ?? 0 };
  }

  return {
    kafka,
    producer,
    registry,
    codec,
    naming,
    relay,
    subscriber,
    prepare,
    async start() {
      if (!prepared) await untilAvailable('creating topics and registering schemas', prepare);
      await untilAvailable('connecting the producer', () => producer.connect());
      relay.start();
      if (subscriber) {
        await warmSchemas(subscribed);
        await subscriber.start();
      }
    },
    async stop() {
      await subscriber?.stop();
      await relay.stop();
      await producer.disconnect();
    },
    backlog,
    async detail() {
      const relayStatus = relay.status();
      const outbox = await backlog().then(
        (b) => ({ ...b }),
        (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
      );
      const consumer = subscriber?.detail();
      const stalled = stalledRound(relayStatus);
      const oldest = 'oldestAgeSeconds' in outbox ? outbox.oldestAgeSeconds : 0;
      const failed = 'failed' in outbox ? outbox.failed : 0;
      let status: HealthDetail['status'] = 'ok';
      if (!connected || relayStatus.lastError || stalled || 'error' in outbox || consumer?.status === 'degraded') status = 'degraded';
      if (oldest >= alertAfterSeconds || failed > 0 || consumer?.status === 'alert') status = 'alert';
      return {
        status,
        kafka: { producerConnected: connected },
        relay: {
          active: relayStatus.active,
          published: relayStatus.published,
          ...(relayStatus.lastError ? { lastError: relayStatus.lastError, failingSeconds: Math.round((Date.now() - (relayStatus.failingSince?.getTime() ?? Date.now())) / 1000) } : {}),
          ...(stalled ? { stalled } : {}),
        },
        outbox: { ...outbox, alertAfterSeconds },
        ...(consumer ? { consumer } : {}),
      };
    },
    async metrics() {
      const relayStatus = relay.status();
      const service = { service: options.service };
      const metrics: Metric[] = [
        { name: 'marketbill_kafka_producer_connected', help: 'Whether the Kafka producer is connected (1) or not (0).', type: 'gauge', samples: [{ labels: service, value: connected ? 1 : 0 }] },
        { name: 'marketbill_outbox_relay_active', help: 'Whether this replica is the active outbox relay of its schema (1) or a standby (0).', type: 'gauge', samples: [{ labels: service, value: relayStatus.active ? 1 : 0 }] },
        {
          name: 'marketbill_outbox_relay_failing',
          help: `Whether the outbox relay fails to publish now (1: Kafka, the registry or the database down, or a round waiting on one of them for ${relayStalledAfterSeconds} s or more) or not (0).`,
          type: 'gauge',
          samples: [{ labels: service, value: relayStatus.lastError || stalledRound(relayStatus) ? 1 : 0 }],
        },
        {
          name: 'marketbill_outbox_relay_round_seconds',
          help: 'How long the relay round in flight (read, publish, delete) has run; 0 between rounds. Rounds take milliseconds.',
          type: 'gauge',
          samples: [{ labels: service, value: roundSeconds(relayStatus) }],
        },
        { name: 'marketbill_outbox_published_total', help: 'Events this replica published from the outbox.', type: 'counter', samples: [{ labels: service, value: relayStatus.published }] },
      ];
      try {
        const b = await backlog();
        metrics.push(
          { name: 'marketbill_outbox_backlog_events', help: 'Events committed but not yet published (they wait while Kafka or the registry is down).', type: 'gauge', samples: [{ labels: service, value: b.events }] },
          {
            name: 'marketbill_outbox_oldest_event_age_seconds',
            help: `Age of the oldest unpublished event; alert above ${alertAfterSeconds} s (the relay has not published for that long).`,
            type: 'gauge',
            samples: [{ labels: service, value: b.oldestAgeSeconds }],
          },
          { name: 'marketbill_outbox_failed_events', help: 'Events set aside in outbox_failed because they could not be encoded; alert above 0.', type: 'gauge', samples: [{ labels: service, value: b.failed }] },
        );
      } catch {
        // The database does not answer: marketbill_ready says so; the backlog is unknown for now.
      }
      return [...metrics, ...(subscriber?.metrics() ?? [])];
    },
  };
}
