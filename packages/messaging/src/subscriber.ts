import type { EntityManager } from '@mikro-orm/core';
import {
  ConnectionException,
  DeadlockException,
  LockWaitTimeoutException,
} from '@mikro-orm/core';
import type { Consumer, EachMessagePayload, IHeaders, Kafka, Producer } from 'kafkajs';
import { AppError, backoffDelay, sleep, type Logger, type Orm } from '@marketbill/platform';
import type { TopicEvents, TopicName } from '@marketbill/schemas';
import type { EventCodec } from './codec';
import type { TopicNaming } from './topic-naming';
import { withBatchConsumeSpan, withConsumeSpan } from './tracing';

/** What a handler gets besides the event. */
export interface HandlerContext {
  /** The transaction's EntityManager: write state and `publish()` follow-up events with it. */
  em: EntityManager;
  eventId: string;
  topic: TopicName;
  key: string | null;
  partition: number;
  offset: string;
  headers: IHeaders;
  logger: Logger;
}

export type EventHandler<T extends TopicName> = (event: TopicEvents[T], ctx: HandlerContext) => Promise<void>;

/** What a batch handler gets besides the events. */
export interface BatchHandlerContext {
  /** The chunk's transaction: write the state of every event with it. */
  em: EntityManager;
  topic: TopicName;
  partition: number;
  logger: Logger;
}

/**
 * Applies several new events of one partition at once, in their order, in one transaction (e.g.
 * with one set-based statement). Events already processed are not passed. It must have the same
 * effect as the per-event handler applied to each in turn: when a chunk fails, its events are
 * replayed one by one through the per-event handler.
 */
export type BatchEventHandler<T extends TopicName> = (events: Array<TopicEvents[T]>, ctx: BatchHandlerContext) => Promise<void>;

/** One subscription: a topic and the handler of its events (and optionally a batch handler). */
export interface TypedSubscription<T extends TopicName> {
  topic: T;
  handler: EventHandler<T>;
  /** Used in batch mode instead of calling `handler` per event; see {@link BatchEventHandler}. */
  batchHandler?: BatchEventHandler<T>;
}

/** One entry of a service's subscriptions table (any topic, each paired with its own event type). */
export type Subscription = { [T in TopicName]: TypedSubscription<T> }[TopicName];

/** Helps TypeScript pair each topic with its event type in a subscriptions table. */
export function on<T extends TopicName>(topic: T, handler: EventHandler<T>, batchHandler?: BatchEventHandler<T>): TypedSubscription<T> {
  return batchHandler ? { topic, handler, batchHandler } : { topic, handler };
}

export interface SubscriberOptions {
  kafka: Kafka;
  /** Producer for dead letters. */
  producer: Producer;
  codec: EventCodec;
  naming: TopicNaming;
  orm: Orm;
  /** The consumer group: the service name. */
  groupId: string;
  logger: Logger;
  subscriptions: Subscription[];
  /** Attempts for retriable failures before the message is dead-lettered (default 8). */
  attempts?: number;
  initialRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Partitions processed in parallel (default 3). Order still holds within a partition. */
  partitionsConsumedConcurrently?: number;
  /** Start from the earliest offset when the group has none (default true: nothing is missed). */
  fromBeginning?: boolean;
  /**
   * Messages handled in one transaction (default 1: one transaction per message, `eachMessage`).
   * Above 1 the subscriber consumes with `eachBatch` in chunks of this size — many times the
   * throughput for high-volume topics, same guarantees (see processChunk).
   */
  batchSize?: number;
  /**
   * Days an inbox entry is kept (default 100): longer than any topic keeps its messages (90 days),
   * since a redelivery can only come from a message still in Kafka.
   */
  inboxRetentionDays?: number;
}

export interface Subscriber {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Counts since start, for tests, health and benchmarks. */
  stats(): { processed: number; duplicates: number; deadLettered: number; retried: number };
  /** Deletes inbox entries older than the retention now (it also runs hourly); returns how many. */
  pruneInbox(): Promise<number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRANSIENT_PG_CODES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '53300', '08000', '08003', '08006', '08001']);
const TRANSIENT_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/**
 * Whether trying again can help: AppErrors say so themselves; database connection loss, deadlocks,
 * serialization failures and lock time-outs can. Everything else (bugs such as a TypeError,
 * constraint violations) cannot, and is never retried.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof AppError) return error.retriable;
  if (error instanceof ConnectionException || error instanceof DeadlockException || error instanceof LockWaitTimeoutException) {
    return true;
  }
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && (TRANSIENT_PG_CODES.has(code) || TRANSIENT_NET_CODES.has(code));
}

class DeadLetter extends Error {
  constructor(
    readonly reason: string,
    readonly errorCode: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(reason, { cause });
  }
}

/**
 * The idempotent consumer every service uses.
 *
 * Per message, inside one database transaction: record the event id in `inbox` for this consumer
 * group (a repeat finds it there and is skipped), then run the handler with that transaction's
 * EntityManager. `eachMessage` returns only after the commit, so kafkajs commits the offset only
 * after the effects are durable; a crash in between redelivers the message and the inbox drops it.
 *
 * Failures: retriable ones are retried with exponential backoff (heartbeating meanwhile); the rest,
 * and retriable ones that run out of attempts, go to `<topic>.dlq` with the original bytes and the
 * reason in headers, and the consumer moves on to the next message. If the dead letter cannot be
 * written either, the error propagates and kafkajs redelivers: nothing is dropped silently.
 */
export function createSubscriber(options: SubscriberOptions): Subscriber {
  const log = options.logger.child({ component: 'subscriber', group: options.groupId });
  const attempts = options.attempts ?? 8;
  const batchSize = options.batchSize ?? 1;
  const initialDelay = options.initialRetryDelayMs ?? 200;
  const maxDelay = options.maxRetryDelayMs ?? 10_000;
  const byPhysicalTopic = new Map<string, Subscription>();
  for (const s of options.subscriptions) byPhysicalTopic.set(options.naming.topic(s.topic), s);
  const stats = { processed: 0, duplicates: 0, deadLettered: 0, retried: 0 };
  let consumer: Consumer | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  const schema = options.orm.config.get('schema') ?? 'public';
  const inboxInsert = `insert into "${schema.replace(/"/g, '""')}".inbox (consumer_group, event_id, topic) values (?, ?, ?) on conflict do nothing returning 1 as ok`;

  function handlerContext(em: EntityManager, sub: Subscription, event: { eventId: string }, payload: EachMessagePayload): HandlerContext {
    const { message, partition, topic } = payload;
    return {
      em,
      eventId: event.eventId,
      topic: sub.topic,
      key: message.key?.toString() ?? null,
      partition,
      offset: message.offset,
      headers: message.headers ?? {},
      logger: log.child({ topic, eventId: event.eventId }),
    };
  }

  async function handleOnce(sub: Subscription, event: { eventId: string }, payload: EachMessagePayload): Promise<boolean> {
    let duplicate = false;
    await options.orm.em.fork().transactional(async (em) => {
      const inserted = await em
        .getConnection()
        .execute<Array<{ ok: number }>>(
          inboxInsert,
          [options.groupId, event.eventId, sub.topic],
          'all',
          em.getTransactionContext(),
        );
      if (inserted.length === 0) {
        duplicate = true;
        return;
      }
      await (sub.handler as EventHandler<TopicName>)(event as never, handlerContext(em, sub, event, payload));
    });
    return duplicate;
  }

  /** Decodes the message and checks its event id; dead-letters it (and returns undefined) otherwise. */
  async function decodeOrDeadLetter(sub: Subscription, payload: EachMessagePayload): Promise<{ eventId: string } | undefined> {
    let event: { eventId: string };
    try {
      event = (await decodeWithRetry(sub, payload.message.value, payload)) as { eventId: string };
    } catch (error) {
      if (error instanceof DeadLetter) {
        await deadLetter(sub, payload, error);
        return undefined;
      }
      throw error;
    }
    if (typeof event.eventId !== 'string' || !UUID.test(event.eventId)) {
      await deadLetter(sub, payload, new DeadLetter('the event has no valid eventId', 'invalid-event-id', 1, undefined));
      return undefined;
    }
    return event;
  }

  /** One event in its own transaction, retried while retriable, dead-lettered otherwise. */
  async function handleWithRetries(sub: Subscription, event: { eventId: string }, payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    for (let attempt = 1; ; attempt++) {
      try {
        const duplicate = await handleOnce(sub, event, payload);
        if (duplicate) {
          stats.duplicates++;
          log.debug({ topic, partition, offset: message.offset, eventId: event.eventId }, 'duplicate event skipped');
        } else {
          stats.processed++;
        }
        return;
      } catch (error) {
        const transient = isTransient(error);
        if (!transient || attempt >= attempts) {
          const code = error instanceof AppError ? error.code : transient ? 'retries-exhausted' : 'handler-failed';
          const reason = error instanceof Error ? error.message : String(error);
          if (!(error instanceof AppError)) {
            log.error({ err: error, topic, partition, offset: message.offset, eventId: event.eventId }, 'handler failed with an unexpected error');
          }
          return deadLetter(sub, payload, new DeadLetter(reason, transient ? 'retries-exhausted' : code, attempt, error));
        }
        stats.retried++;
        const delay = backoffDelay(attempt, initialDelay, maxDelay);
        log.warn({ err: error, topic, partition, offset: message.offset, attempt, retryInMs: delay }, 'handler failed; retrying');
        await sleep(delay);
        await payload.heartbeat();
      }
    }
  }

  async function process(payload: EachMessagePayload): Promise<void> {
    const sub = byPhysicalTopic.get(payload.topic);
    if (!sub) return; // not ours (cannot happen: we subscribe to exactly these topics)
    const event = await decodeOrDeadLetter(sub, payload);
    if (event) await handleWithRetries(sub, event, payload);
  }

  function spanAttributes(payload: EachMessagePayload): Record<string, string | number> {
    return { 'messaging.kafka.partition': payload.partition, 'messaging.kafka.offset': payload.message.offset };
  }

  /**
   * Batch mode: the messages of a fetched batch (one partition) in chunks, each chunk in ONE
   * transaction — one multi-row inbox insert decides which events are new, then the handler runs for
   * each new event in order, inside its own consumer span (so traces still continue per message).
   * Offsets are resolved and committed after the chunk's commit. If the chunk fails for any reason,
   * it is rolled back and its messages go through the one-by-one path, with its retries and
   * dead letters: a poisoned message is still isolated, and nothing is skipped.
   */
  async function processChunk(sub: Subscription, payloads: EachMessagePayload[]): Promise<void> {
    const decoded: Array<{ event: { eventId: string }; payload: EachMessagePayload }> = [];
    for (const payload of payloads) {
      const event = await decodeOrDeadLetter(sub, payload);
      if (event) decoded.push({ event, payload });
    }
    if (decoded.length === 0) return;
    let processed = 0;
    let duplicates = 0;
    try {
      await options.orm.em.fork().transactional(async (em) => {
        const ids = decoded.map((d) => d.event.eventId);
        const inserted = await em
          .getConnection()
          .execute<Array<{ event_id: string }>>(
            `insert into "${schema.replace(/"/g, '""')}".inbox (consumer_group, event_id, topic)
             select ?, e, ? from unnest(?::uuid[]) as e
             on conflict do nothing returning event_id`,
            [options.groupId, sub.topic, `{${ids.join(',')}}`],
            'all',
            em.getTransactionContext(),
          );
        const fresh = new Set(inserted.map((r) => r.event_id));
        processed = 0;
        duplicates = 0;
        if (sub.batchHandler) {
          const batch = decoded.filter(({ event }) => fresh.delete(event.eventId));
          duplicates = decoded.length - batch.length;
          if (batch.length === 0) return;
          const first = batch[0] as { payload: EachMessagePayload };
          // One consumer span for the chunk, linked to every message's producer span.
          await withBatchConsumeSpan(
            first.payload.topic,
            options.groupId,
            batch.map(({ payload }) => payload.message.headers),
            { 'messaging.kafka.partition': first.payload.partition, 'messaging.batch.message_count': batch.length },
            () =>
              (sub.batchHandler as BatchEventHandler<TopicName>)(
                batch.map(({ event }) => event) as never,
                { em, topic: sub.topic, partition: first.payload.partition, logger: log.child({ topic: first.payload.topic }) },
              ),
          );
          processed = batch.length;
          return;
        }
        for (const { event, payload } of decoded) {
          // A repeat inside the chunk, or an event processed before: skip (the set empties as we go).
          if (!fresh.delete(event.eventId)) {
            duplicates++;
            continue;
          }
          await withConsumeSpan(payload.topic, options.groupId, payload.message.headers, spanAttributes(payload), () =>
            (sub.handler as EventHandler<TopicName>)(event as never, handlerContext(em, sub, event, payload)),
          );
          processed++;
        }
      });
      stats.processed += processed;
      stats.duplicates += duplicates;
    } catch (error) {
      log.warn({ err: error, topic: sub.topic, messages: decoded.length }, 'batch failed; processing its messages one by one');
      for (const { event, payload } of decoded) {
        await withConsumeSpan(payload.topic, options.groupId, payload.message.headers, spanAttributes(payload), () => handleWithRetries(sub, event, payload));
      }
    }
  }

  async function decodeWithRetry(sub: Subscription, value: Buffer | null, payload: EachMessagePayload): Promise<unknown> {
    if (!value) throw new DeadLetter('the message has no value', 'empty-message', 1, undefined);
    for (let attempt = 1; ; attempt++) {
      try {
        return await options.codec.decode(sub.topic, value);
      } catch (error) {
        if (!isTransient(error) || attempt >= attempts) {
          const code = error instanceof AppError ? error.code : 'undecodable-message';
          throw new DeadLetter(error instanceof Error ? error.message : String(error), code, attempt, error);
        }
        await sleep(backoffDelay(attempt, initialDelay, maxDelay));
        await payload.heartbeat();
      }
    }
  }

  async function deadLetter(sub: Subscription, payload: EachMessagePayload, dead: DeadLetter): Promise<void> {
    const { topic, partition, message } = payload;
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      'dlq-reason': dead.reason.slice(0, 2_000),
      'dlq-error-code': dead.errorCode,
      'dlq-consumer-group': options.groupId,
      'dlq-original-topic': topic,
      'dlq-original-partition': String(partition),
      'dlq-original-offset': message.offset,
      'dlq-attempts': String(dead.attempts),
      'dlq-failed-at': new Date().toISOString(),
    };
    await options.producer.send({
      topic: options.naming.deadLetter(sub.topic),
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
    stats.deadLettered++;
    log.warn(
      { topic, partition, offset: message.offset, errorCode: dead.errorCode, reason: dead.reason, attempts: dead.attempts },
      'message dead-lettered',
    );
  }

  /** Deletes this group's inbox entries older than the retention, in small batches. */
  async function pruneInbox(): Promise<number> {
    const days = options.inboxRetentionDays ?? 100;
    let total = 0;
    for (;;) {
      const rows = await options.orm.em
        .fork()
        .getConnection()
        .execute<Array<{ n: number }>>(
          `with old as (select consumer_group, event_id from "${schema.replace(/"/g, '""')}".inbox
             where consumer_group = ? and processed_at < now() - make_interval(days => ?) limit 5000)
           delete from "${schema.replace(/"/g, '""')}".inbox i using old
             where i.consumer_group = old.consumer_group and i.event_id = old.event_id
           returning 1 as n`,
          [options.groupId, days],
        );
      total += rows.length;
      if (rows.length < 5000) return total;
    }
  }

  return {
    async start() {
      pruneTimer = setInterval(() => {
        pruneInbox()
          .then((n) => n > 0 && log.info({ deleted: n }, 'old inbox entries pruned'))
          .catch((error: unknown) => log.warn({ err: error }, 'inbox pruning failed'));
      }, 3_600_000);
      pruneTimer.unref();
      consumer = options.kafka.consumer({
        groupId: options.groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 10_000 },
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [...byPhysicalTopic.keys()], fromBeginning: options.fromBeginning ?? true });
      await consumer.run(
        batchSize > 1
          ? {
              autoCommit: true,
              eachBatchAutoResolve: false,
              partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
              eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale, pause }) => {
                const sub = byPhysicalTopic.get(batch.topic);
                if (!sub) return;
                for (let i = 0; i < batch.messages.length; i += batchSize) {
                  if (!isRunning() || isStale()) return;
                  const chunk = batch.messages.slice(i, i + batchSize);
                  await processChunk(
                    sub,
                    chunk.map((message) => ({ topic: batch.topic, partition: batch.partition, message, heartbeat, pause })),
                  );
                  for (const message of chunk) resolveOffset(message.offset);
                  await commitOffsetsIfNecessary();
                  await heartbeat();
                }
              },
            }
          : {
              autoCommit: true,
              partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
              eachMessage: (payload) => withConsumeSpan(payload.topic, options.groupId, payload.message.headers, spanAttributes(payload), () => process(payload)),
            },
      );
    },
    async stop() {
      if (pruneTimer) clearInterval(pruneTimer);
      await consumer?.disconnect();
      consumer = undefined;
    },
    stats: () => ({ ...stats }),
    pruneInbox,
  };
}
