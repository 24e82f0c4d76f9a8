import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { HealthDetail, Logger, Metric, Orm } from '@marketbill/platform';
import { createBatchProcessor } from './batch-processor';
import type { AnyEventCodec } from './codec';
import { createDeadLettering } from './dead-lettering';
import { createInbox } from './inbox';
import { createPartitionPauses, describeError, type PausedPartition } from './partition-pauses';
import { subscriberDetail, subscriberMetrics, type SubscriberSnapshot, type SubscriberStats } from './subscriber-health';
import type { Subscription } from './subscriptions';
import type { AnyTopicNaming } from './topic-naming';

export interface SubscriberOptions {
  kafka: Kafka;
  /** Producer for dead letters. */
  producer: Producer;
  codec: AnyEventCodec;
  naming: AnyTopicNaming;
  orm: Orm;
  /** The consumer group: the service name. */
  groupId: string;
  logger: Logger;
  subscriptions: Subscription[];
  /**
   * Attempts made in place for a transient failure (a deadlock, a dependency not answering)
   * before the partition is paused to wait for it (default 3). The message is never given up.
   */
  attempts?: number;
  /** First delay between attempts in place, and of the pauses (default 200 ms); both double. */
  initialRetryDelayMs?: number;
  /** Longest pause of a partition waiting for a dependency before it tries again (default 5000 ms). */
  maxRetryDelayMs?: number;
  /** Partitions processed in parallel (default 3). Order still holds within a partition. */
  partitionsConsumedConcurrently?: number;
  /** Start from the earliest offset when the group has none (default true: nothing is missed). */
  fromBeginning?: boolean;
  /**
   * Messages handled in one transaction (default 1: one transaction per message). Above 1 a chunk
   * of a fetched batch commits together — many times the throughput for high-volume topics, same
   * guarantees (see createBatchProcessor).
   */
  batchSize?: number;
  /**
   * Days an inbox entry is kept (default 100): longer than any topic keeps its messages (90 days),
   * since a redelivery can only come from a message still in Kafka.
   */
  inboxRetentionDays?: number;
  /**
   * Kafka session time-out (default 10 000 ms): how long the group waits for a member that stopped
   * heartbeating (a killed process) before giving its partitions to the others. Heartbeats go out
   * every `heartbeatIntervalMs` from the fetch loop and between chunks, and a partition that waits
   * for a dependency is paused rather than held in a handler, so nothing blocks them for long.
   */
  sessionTimeoutMs?: number;
  /** Heartbeat interval (default 1000 ms; at most a third of the session time-out). */
  heartbeatIntervalMs?: number;
  /**
   * Answers whether the database the handlers write to is reachable (default: `select 1` through
   * the ORM). Asked before an unexplained handler error is called a bug and dead-lettered: some of
   * pg's and knex's failures of a lost connection carry no code.
   */
  databaseProbe?: () => Promise<void>;
  /** Seconds a partition may wait for a dependency before health reports `alert` (default 60). */
  pausedAlertSeconds?: number;
}

export interface SubscriberState {
  /** The consumer is connected and a member of its group. */
  inGroup: boolean;
  crashes: number;
  lastCrash?: string;
  paused: PausedPartition[];
}

export interface Subscriber {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Counts since start, for tests, health and benchmarks. */
  stats(): SubscriberStats;
  /** What the consumer is doing now: its group membership and the partitions waiting for a dependency. */
  state(): SubscriberState;
  /** The state for `/health/detail`: `degraded` while a partition waits, `alert` past the alert threshold. */
  detail(): HealthDetail;
  /** Counters and gauges for `/metrics`. */
  metrics(): Metric[];
  /** Deletes inbox entries older than the retention now (it also runs hourly); returns how many. */
  pruneInbox(): Promise<number>;
}

/**
 * The idempotent consumer every service uses: a composition of its parts.
 *
 * - **batches** ({@link createBatchProcessor}): messages of a partition are taken in chunks
 *   (`batchSize`); a chunk runs in ONE database transaction, and a chunk that fails is rolled back
 *   and its messages go through one by one;
 * - **inbox** ({@link createInbox}): each transaction first records its event ids for this consumer
 *   group (a repeat finds its id there and is skipped), then runs the handlers with that
 *   transaction's EntityManager; old entries are pruned hourly;
 * - **dead-lettering** ({@link createDeadLettering}): failures are told apart by cause, not by
 *   status code. Poison — the message's own bytes cannot be decoded against a schema the registry
 *   served, it has no valid event id, the handler refuses its content (a non-retriable AppError),
 *   or the handler fails with a bug while its database answers — goes to `<topic>.dlq` with the
 *   reason in headers, and the consumer moves on;
 * - **partition pauses** ({@link createPartitionPauses}): infrastructure faults — the registry, the
 *   database or Kafka does not answer, times out, restarts, or answers 5xx/429; and retriable
 *   AppErrors — are tried a few times in place, then the partition is paused at that message and
 *   retried with capped backoff for as long as it takes. Nothing after it is processed or committed
 *   meanwhile; the wait is visible in `/health/detail`, `/metrics` and the logs.
 *
 * What is left here is the Kafka consumer's life: offsets are resolved only after a chunk's commit,
 * so kafkajs commits only what is durable (a crash in between redelivers, and the inbox drops the
 * repeats); a consumer that crashes for good is replaced.
 */
export function createSubscriber(options: SubscriberOptions): Subscriber {
  const log = options.logger.child({ component: 'subscriber', group: options.groupId });
  const batchSize = options.batchSize ?? 1;
  const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
  const heartbeatInterval = Math.min(options.heartbeatIntervalMs ?? 1_000, Math.floor(sessionTimeout / 3));
  const pausedAlertSeconds = options.pausedAlertSeconds ?? 60;
  const byPhysicalTopic = new Map<string, Subscription>();
  for (const s of options.subscriptions) byPhysicalTopic.set(options.naming.topic(s.topic), s);
  const inbox = createInbox({ orm: options.orm, groupId: options.groupId, ...(options.inboxRetentionDays ? { retentionDays: options.inboxRetentionDays } : {}) });
  const deadLettering = createDeadLettering({
    producer: options.producer,
    naming: options.naming,
    groupId: options.groupId,
    orm: options.orm,
    logger: log,
    ...(options.databaseProbe ? { databaseProbe: options.databaseProbe } : {}),
  });
  const batches = createBatchProcessor({
    orm: options.orm,
    codec: options.codec,
    inbox,
    deadLettering,
    groupId: options.groupId,
    logger: log,
    attempts: options.attempts ?? 3,
    initialRetryDelayMs: options.initialRetryDelayMs ?? 200,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 5_000,
  });
  const pauses = createPartitionPauses({ initialDelayMs: options.initialRetryDelayMs ?? 200, maxDelayMs: options.maxRetryDelayMs ?? 5_000, logger: log });
  const membership = { inGroup: false, crashes: 0, lastCrash: undefined as string | undefined };
  let consumer: Consumer | undefined;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  const pruning = inbox.pruning(log);

  function stats(): SubscriberStats {
    const { processed, duplicates, retried } = batches.stats();
    return { processed, duplicates, deadLettered: deadLettering.count(), retried, pauses: pauses.count() };
  }

  function snapshot(): SubscriberSnapshot {
    return { group: options.groupId, membership, paused: pauses.list(), oldestWaitSeconds: pauses.oldestWaitSeconds(), pausedAlertSeconds, stats: stats() };
  }

  function resume(topic: string, partition: number): void {
    try {
      consumer?.resume([{ topic, partitions: [partition] }]);
    } catch (resumeError) {
      log.warn({ err: resumeError, topic, partition }, 'resuming a paused partition failed');
    }
  }

  async function run(c: Consumer): Promise<void> {
    await c.connect();
    await c.subscribe({ topics: [...byPhysicalTopic.keys()], fromBeginning: options.fromBeginning ?? true });
    await c.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale, pause }) => {
        const sub = byPhysicalTopic.get(batch.topic);
        if (!sub) return;
        for (let i = 0; i < batch.messages.length; i += batchSize) {
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages.slice(i, i + batchSize);
          const result = await batches.processChunk(
            sub,
            chunk.map((message) => ({ topic: batch.topic, partition: batch.partition, message, heartbeat, pause })),
          );
          for (const message of chunk.slice(0, result.handled)) resolveOffset(message.offset);
          if (result.handled < chunk.length) {
            const offset = (chunk[result.handled] as KafkaMessage).offset;
            pauses.pauseAt(batch.topic, batch.partition, offset, result.waiting, pause, () => resume(batch.topic, batch.partition));
            return; // the runner commits what was resolved; the rest is fetched again on resume
          }
          pauses.clear(batch.topic, batch.partition);
          await commitOffsetsIfNecessary();
          await heartbeat();
        }
      },
    });
  }

  function createConsumer(): Consumer {
    const c = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout,
      heartbeatInterval,
      // Short retry gaps: when the broker comes back, the consumer is back within a few seconds.
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 3_000, restartOnFailure: async () => true },
    });
    c.on(c.events.GROUP_JOIN, ({ payload }) => {
      membership.inGroup = true;
      // Partitions given to another member stop waiting here; that member starts at the
      // committed offset, which is the waiting message (nothing past it was committed).
      pauses.keepOnly(payload.memberAssignment as Record<string, number[]>);
    });
    c.on(c.events.CRASH, ({ payload }) => {
      membership.inGroup = false;
      membership.crashes++;
      membership.lastCrash = describeError(payload.error);
      log.warn({ err: payload.error, restart: payload.restart }, 'consumer crashed');
      // kafkajs restarts after retriable crashes only; after any other the consumer would sit
      // idle forever while the process looks healthy. Start a new one instead.
      if (!payload.restart && !stopping) {
        restartTimer = setTimeout(() => {
          restartTimer = undefined;
          void restart();
        }, 5_000);
        restartTimer.unref();
      }
    });
    c.on(c.events.STOP, () => void (membership.inGroup = false));
    c.on(c.events.DISCONNECT, () => void (membership.inGroup = false));
    return c;
  }

  async function restart(): Promise<void> {
    if (stopping) return;
    const old = consumer;
    await old?.disconnect().catch(() => undefined);
    pauses.reset();
    consumer = createConsumer();
    try {
      await run(consumer);
      log.info('consumer restarted');
    } catch (error) {
      log.warn({ err: error }, 'consumer restart failed; trying again');
      restartTimer = setTimeout(() => void restart(), 5_000);
      restartTimer.unref();
    }
  }

  return {
    async start() {
      stopping = false;
      pruning.start();
      consumer = createConsumer();
      await run(consumer);
    },
    async stop() {
      stopping = true;
      await pruning.stop();
      if (restartTimer) clearTimeout(restartTimer);
      pauses.reset();
      await consumer?.disconnect();
      consumer = undefined;
      pauses.reset();
    },
    stats,
    state: () => ({
      inGroup: membership.inGroup,
      crashes: membership.crashes,
      ...(membership.lastCrash ? { lastCrash: membership.lastCrash } : {}),
      paused: pauses.list(),
    }),
    detail: () => subscriberDetail(snapshot()),
    metrics: () => subscriberMetrics(snapshot()),
    pruneInbox: () => inbox.prune(),
  };
}
