import type { EntityManager } from '@mikro-orm/core';
import type { Consumer, EachMessagePayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { AppError, backoffDelay, failureCause, sleep, type HealthDetail, type Logger, type Metric, type Orm, quoteIdentifier } from '@marketbill/platform';
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
   * guarantees (see processChunk).
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

/** A partition that waits for a dependency: the message at `offset` is retried until it goes through. */
export interface PausedPartition {
  topic: string;
  partition: number;
  offset: string;
  since: Date;
  attempts: number;
  reason: string;
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
  stats(): { processed: number; duplicates: number; deadLettered: number; retried: number; pauses: number };
  /** What the consumer is doing now: its group membership and the partitions waiting for a dependency. */
  state(): SubscriberState;
  /** The state for `/health/detail`: `degraded` while a partition waits, `alert` past the alert threshold. */
  detail(): HealthDetail;
  /** Counters and gauges for `/metrics`. */
  metrics(): Metric[];
  /** Deletes inbox entries older than the retention now (it also runs hourly); returns how many. */
  pruneInbox(): Promise<number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether trying again can help: AppErrors say so themselves; a dependency that does not answer
 * (connection refused or lost, a time-out, a database shutting down or starting up) and database
 * contention (deadlock, serialization failure, lock time-out) can. Kafka client errors are about
 * the broker, never the message. Anything else (a TypeError, a constraint violation) cannot.
 */
export function isTransient(error: unknown): boolean {
  if (failureCause(error) !== 'unknown') return true;
  if (error instanceof AppError) return error.retriable;
  const name = (error as { name?: unknown })?.name;
  return typeof name === 'string' && name.startsWith('KafkaJS');
}

/** Why a message goes to the dead-letter topic: only for what is wrong with the message itself. */
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

/** What became of one message: handled (processed, skipped as a repeat or dead-lettered), or waiting for a dependency. */
type Outcome = { kind: 'handled' } | { kind: 'waiting'; error: unknown };

/** A message after decoding: its event, or why it is poison, or the dependency fault that keeps it waiting. */
type Decoded =
  | { payload: EachMessagePayload; event: { eventId: string } }
  | { payload: EachMessagePayload; poison: DeadLetter }
  | { payload: EachMessagePayload; unavailable: unknown };

/**
 * The idempotent consumer every service uses.
 *
 * Messages of a partition are taken in chunks (`batchSize`); each chunk runs in ONE database
 * transaction that first records the event ids in `inbox` for this consumer group (a repeat finds
 * its id there and is skipped), then runs the handlers with that transaction's EntityManager.
 * Offsets are resolved only after the commit, so kafkajs commits only what is durable; a crash in
 * between redelivers, and the inbox drops the repeats. A chunk that fails is rolled back and its
 * messages go through one by one.
 *
 * Failures are told apart by cause, not by status code:
 * - **poison** — the message's own bytes cannot be decoded against a schema the registry served,
 *   it has no valid event id, or the handler refuses its content (a non-retriable AppError), or
 *   the handler fails with a bug while its database answers: dead-lettered to `<topic>.dlq` with the
 *   reason in headers, and the consumer moves on;
 * - **infrastructure** — the registry, the database or Kafka does not answer, times out, restarts,
 *   or answers 5xx/429; and retriable AppErrors: tried a few times in place, then the partition is
 *   **paused** at that message and retried with capped backoff for as long as it takes. Nothing
 *   after it is processed or committed meanwhile; the wait is visible in `/health/detail`,
 *   `/metrics` and the logs.
 */
export function createSubscriber(options: SubscriberOptions): Subscriber {
  const log = options.logger.child({ component: 'subscriber', group: options.groupId });
  const attempts = options.attempts ?? 3;
  const batchSize = options.batchSize ?? 1;
  const initialDelay = options.initialRetryDelayMs ?? 200;
  const maxDelay = options.maxRetryDelayMs ?? 5_000;
  const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
  const heartbeatInterval = Math.min(options.heartbeatIntervalMs ?? 1_000, Math.floor(sessionTimeout / 3));
  const pausedAlertSeconds = options.pausedAlertSeconds ?? 60;
  const byPhysicalTopic = new Map<string, Subscription>();
  for (const s of options.subscriptions) byPhysicalTopic.set(options.naming.topic(s.topic), s);
  const stats = { processed: 0, duplicates: 0, deadLettered: 0, retried: 0, pauses: 0 };
  const paused = new Map<string, PausedPartition & { timer: NodeJS.Timeout | undefined; loggedAt: number }>();
  const membership = { inGroup: false, crashes: 0, lastCrash: undefined as string | undefined };
  let consumer: Consumer | undefined;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  const schema = options.orm.config.get('schema') ?? 'public';
  const quotedSchema = quoteIdentifier(schema);
  const inboxInsert = `insert into ${quotedSchema}.inbox (consumer_group, event_id, topic) values (?, ?, ?) on conflict do nothing returning 1 as ok`;
  const databaseProbe =
    options.databaseProbe ??
    (async () => {
      await options.orm.em.fork().getConnection().execute('select 1');
    });

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

  function spanAttributes(payload: EachMessagePayload): Record<string, string | number> {
    return { 'messaging.kafka.partition': payload.partition, 'messaging.kafka.offset': payload.message.offset };
  }

  /** One event in its own transaction; true when the inbox already had it (a repeat, skipped). */
  async function handleOnce(sub: Subscription, event: { eventId: string }, payload: EachMessagePayload): Promise<boolean> {
    let duplicate = false;
    await options.orm.em.fork().transactional(async (em) => {
      const inserted = await em
        .getConnection()
        .execute<Array<{ ok: number }>>(inboxInsert, [options.groupId, event.eventId, sub.topic], 'all', em.getTransactionContext());
      if (inserted.length === 0) {
        duplicate = true;
        return;
      }
      await (sub.handler as EventHandler<TopicName>)(event as never, handlerContext(em, sub, event, payload));
    });
    return duplicate;
  }

  /**
   * Decodes a message. A registry that does not answer makes it wait (`unavailable`); bytes that
   * cannot be read against the schema the registry served, or a missing event id, make it poison.
   */
  async function decode(sub: Subscription, payload: EachMessagePayload): Promise<Decoded> {
    const value = payload.message.value;
    if (!value) return { payload, poison: new DeadLetter('the message has no value', 'empty-message', 1, undefined) };
    let event: { eventId: string };
    try {
      event = (await options.codec.decode(sub.topic, value)) as { eventId: string };
    } catch (error) {
      if (isTransient(error)) return { payload, unavailable: error };
      const code = error instanceof AppError ? error.code : 'undecodable-message';
      return { payload, poison: new DeadLetter(error instanceof Error ? error.message : String(error), code, 1, error) };
    }
    if (typeof event.eventId !== 'string' || !UUID.test(event.eventId)) {
      return { payload, poison: new DeadLetter('the event has no valid eventId', 'invalid-event-id', 1, undefined) };
    }
    return { payload, event };
  }

  /**
   * Poison or waiting? Transient failures wait. An AppError that is not retriable is the handler
   * refusing the content. Any other error is a bug — unless the database does not answer, in which
   * case the error was the lost connection in disguise and the message waits.
   */
  async function isPoison(error: unknown): Promise<boolean> {
    if (isTransient(error)) return false;
    if (error instanceof AppError) return true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        databaseProbe(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('the database did not answer within 3 s')), 3_000);
        }),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** Dead-letters a poisoned message; when the dead-letter topic cannot be written either, the message waits. */
  async function deadLetterOrWait(sub: Subscription, payload: EachMessagePayload, dead: DeadLetter): Promise<Outcome> {
    try {
      await deadLetter(sub, payload, dead);
      return { kind: 'handled' };
    } catch (error) {
      return { kind: 'waiting', error };
    }
  }

  /** One event: a few attempts in place for transient failures, then it waits; poison is dead-lettered. */
  async function handleOneByOne(sub: Subscription, event: { eventId: string }, payload: EachMessagePayload): Promise<Outcome> {
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
        return { kind: 'handled' };
      } catch (error) {
        if (await isPoison(error)) {
          const code = error instanceof AppError ? error.code : 'handler-failed';
          if (!(error instanceof AppError)) {
            log.error({ err: error, topic, partition, offset: message.offset, eventId: event.eventId }, 'handler failed with an unexpected error');
          }
          return deadLetterOrWait(sub, payload, new DeadLetter(error instanceof Error ? error.message : String(error), code, attempt, error));
        }
        if (attempt >= attempts) return { kind: 'waiting', error };
        stats.retried++;
        const delay = backoffDelay(attempt, initialDelay, maxDelay);
        log.debug({ err: error, topic, partition, offset: message.offset, attempt, retryInMs: delay }, 'handler failed; retrying');
        await sleep(delay);
        await payload.heartbeat();
      }
    }
  }

  /** The fast path: every event of the chunk in one transaction (with the batch handler if there is one). */
  async function handleTogether(sub: Subscription, decoded: Array<{ payload: EachMessagePayload; event: { eventId: string } }>): Promise<void> {
    let processed = 0;
    let duplicates = 0;
    await options.orm.em.fork().transactional(async (em) => {
      const ids = decoded.map((d) => d.event.eventId);
      const inserted = await em
        .getConnection()
        .execute<Array<{ event_id: string }>>(
          `insert into ${quotedSchema}.inbox (consumer_group, event_id, topic)
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
  }

  /**
   * A chunk of one partition's messages, in order. Decodes them (stopping at the first that must
   * wait for the registry); when all decoded cleanly and there are several, they go through one
   * transaction; otherwise, or when that transaction fails, one by one. Answers how many messages,
   * from the first, are done with (their offsets may be committed) and, when one has to wait, why.
   */
  async function processChunk(sub: Subscription, payloads: EachMessagePayload[]): Promise<{ handled: number; waiting?: unknown }> {
    const decoded: Decoded[] = [];
    let waiting: unknown;
    for (const payload of payloads) {
      const d = await decode(sub, payload);
      if ('unavailable' in d) {
        waiting = d.unavailable;
        break;
      }
      decoded.push(d);
    }
    let handled = 0;
    const events = decoded.filter((d): d is { payload: EachMessagePayload; event: { eventId: string } } => 'event' in d);
    if (events.length > 1 && events.length === decoded.length) {
      try {
        await handleTogether(sub, events);
        handled = decoded.length;
      } catch (error) {
        stats.retried++; // the chunk's messages are tried again, one by one
        log.warn({ err: error, topic: sub.topic, messages: decoded.length }, 'batch failed; processing its messages one by one');
      }
    }
    for (; handled < decoded.length; handled++) {
      const d = decoded[handled] as Decoded;
      const outcome =
        'poison' in d
          ? await deadLetterOrWait(sub, d.payload, d.poison)
          : 'event' in d
            ? await withConsumeSpan(d.payload.topic, options.groupId, d.payload.message.headers, spanAttributes(d.payload), () => handleOneByOne(sub, d.event, d.payload))
            : ({ kind: 'waiting', error: undefined } as const);
      if (outcome.kind === 'waiting') return { handled, waiting: outcome.error };
    }
    return waiting === undefined && decoded.length === payloads.length ? { handled } : { handled, waiting };
  }

  function describe(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${message}${cause}`.slice(0, 500);
  }

  /**
   * The message at `offset` waits for a dependency: the partition is paused (kafkajs fetches nothing
   * more for it, and nothing after the message is resolved, so nothing past it is committed), and
   * resumed after a capped, jittered backoff; the fetch then starts again at that message.
   */
  function pauseAt(topic: string, partition: number, offset: string, error: unknown, pause: () => unknown): void {
    const key = `${topic}:${partition}`;
    const previous = paused.get(key);
    const tries = previous && previous.offset === offset ? previous.attempts + 1 : 1;
    const delay = Math.max(initialDelay, backoffDelay(Math.min(tries, 10), initialDelay * 2, maxDelay));
    const now = Date.now();
    const entry = {
      topic,
      partition,
      offset,
      since: previous?.since ?? new Date(now),
      attempts: tries,
      reason: describe(error),
      timer: undefined as NodeJS.Timeout | undefined,
      loggedAt: previous?.loggedAt ?? 0,
    };
    if (previous?.timer) clearTimeout(previous.timer);
    pause();
    stats.pauses++;
    const fields = { topic, partition, offset, attempts: tries, waitingMs: now - entry.since.getTime(), retryInMs: delay, reason: entry.reason };
    if (!previous || now - entry.loggedAt >= 30_000) {
      log.warn(fields, 'a dependency is unavailable; partition paused, the message waits and will be retried');
      entry.loggedAt = now;
    } else {
      log.debug(fields, 'partition still waiting for a dependency');
    }
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      try {
        consumer?.resume([{ topic, partitions: [partition] }]);
      } catch (resumeError) {
        log.warn({ err: resumeError, topic, partition }, 'resuming a paused partition failed');
      }
    }, delay);
    entry.timer.unref();
    paused.set(key, entry);
  }

  /** The partition went through again: clear its wait. */
  function clearPause(topic: string, partition: number): void {
    const key = `${topic}:${partition}`;
    const entry = paused.get(key);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    paused.delete(key);
    log.info({ topic, partition, waitedMs: Date.now() - entry.since.getTime(), attempts: entry.attempts }, 'partition resumed: the dependency answered again');
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
          `with old as (select consumer_group, event_id from ${quotedSchema}.inbox
             where consumer_group = ? and processed_at < now() - make_interval(days => ?) limit 5000)
           delete from ${quotedSchema}.inbox i using old
             where i.consumer_group = old.consumer_group and i.event_id = old.event_id
           returning 1 as n`,
          [options.groupId, days],
        );
      total += rows.length;
      if (rows.length < 5000) return total;
    }
  }

  function toPayload(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>, pause: () => () => void): EachMessagePayload {
    return { topic, partition, message, heartbeat, pause };
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
          const result = await processChunk(
            sub,
            chunk.map((message) => toPayload(batch.topic, batch.partition, message, heartbeat, pause)),
          );
          for (const message of chunk.slice(0, result.handled)) resolveOffset(message.offset);
          if (result.handled < chunk.length) {
            pauseAt(batch.topic, batch.partition, (chunk[result.handled] as KafkaMessage).offset, result.waiting, pause);
            return; // the runner commits what was resolved; the rest is fetched again on resume
          }
          clearPause(batch.topic, batch.partition);
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
      const assigned = payload.memberAssignment as Record<string, number[]>;
      for (const [key, entry] of paused) {
        if (!(assigned[entry.topic] ?? []).includes(entry.partition)) {
          if (entry.timer) clearTimeout(entry.timer);
          paused.delete(key);
        }
      }
    });
    c.on(c.events.CRASH, ({ payload }) => {
      membership.inGroup = false;
      membership.crashes++;
      membership.lastCrash = describe(payload.error);
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
    for (const entry of paused.values()) if (entry.timer) clearTimeout(entry.timer);
    paused.clear();
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

  function oldestWaitSeconds(now = Date.now()): number {
    let oldest = 0;
    for (const entry of paused.values()) oldest = Math.max(oldest, (now - entry.since.getTime()) / 1000);
    return oldest;
  }

  return {
    async start() {
      stopping = false;
      pruneTimer = setInterval(() => {
        pruneInbox()
          .then((n) => n > 0 && log.info({ deleted: n }, 'old inbox entries pruned'))
          .catch((error: unknown) => log.warn({ err: error }, 'inbox pruning failed'));
      }, 3_600_000);
      pruneTimer.unref();
      consumer = createConsumer();
      await run(consumer);
    },
    async stop() {
      stopping = true;
      if (pruneTimer) clearInterval(pruneTimer);
      if (restartTimer) clearTimeout(restartTimer);
      for (const entry of paused.values()) if (entry.timer) clearTimeout(entry.timer);
      await consumer?.disconnect();
      consumer = undefined;
      paused.clear();
    },
    stats: () => ({ ...stats }),
    state: () => ({
      inGroup: membership.inGroup,
      crashes: membership.crashes,
      ...(membership.lastCrash ? { lastCrash: membership.lastCrash } : {}),
      paused: [...paused.values()].map(({ timer: _t, loggedAt: _l, ...p }) => ({ ...p })),
    }),
    detail() {
      const waiting = oldestWaitSeconds();
      const status: HealthDetail['status'] = waiting >= pausedAlertSeconds ? 'alert' : paused.size > 0 || !membership.inGroup ? 'degraded' : 'ok';
      return {
        status,
        group: options.groupId,
        inGroup: membership.inGroup,
        crashes: membership.crashes,
        ...(membership.lastCrash ? { lastCrash: membership.lastCrash } : {}),
        pausedPartitions: [...paused.values()].map((p) => ({
          topic: p.topic,
          partition: p.partition,
          offset: p.offset,
          waitingSeconds: Math.round((Date.now() - p.since.getTime()) / 1000),
          attempts: p.attempts,
          reason: p.reason,
        })),
        pausedAlertSeconds,
        ...stats,
      };
    },
    metrics() {
      const group = { group: options.groupId };
      return [
        {
          name: 'marketbill_consumer_messages_total',
          help: 'Messages the consumer group finished with, by outcome (processed, duplicate: skipped by the inbox, dead_lettered: poison).',
          type: 'counter',
          samples: [
            { labels: { ...group, outcome: 'processed' }, value: stats.processed },
            { labels: { ...group, outcome: 'duplicate' }, value: stats.duplicates },
            { labels: { ...group, outcome: 'dead_lettered' }, value: stats.deadLettered },
          ],
        },
        { name: 'marketbill_consumer_retries_total', help: 'Attempts repeated in place after a failure (and failed chunks replayed one by one).', type: 'counter', samples: [{ labels: group, value: stats.retried }] },
        { name: 'marketbill_consumer_pauses_total', help: 'Times a partition was paused to wait for a dependency.', type: 'counter', samples: [{ labels: group, value: stats.pauses }] },
        { name: 'marketbill_consumer_paused_partitions', help: 'Partitions waiting for a dependency now (their next message is retried until it goes through).', type: 'gauge', samples: [{ labels: group, value: paused.size }] },
        {
          name: 'marketbill_consumer_paused_seconds',
          help: `How long the longest-waiting partition has waited for a dependency; alert above ${pausedAlertSeconds} s.`,
          type: 'gauge',
          samples: [{ labels: group, value: Math.round(oldestWaitSeconds()) }],
        },
        { name: 'marketbill_consumer_in_group', help: 'Whether the consumer is a member of its group (1) or not (0: connecting, Kafka down, restarting).', type: 'gauge', samples: [{ labels: group, value: membership.inGroup ? 1 : 0 }] },
        { name: 'marketbill_consumer_crashes_total', help: 'Times the Kafka consumer crashed and was restarted.', type: 'counter', samples: [{ labels: group, value: membership.crashes }] },
      ];
    },
    pruneInbox,
  };
}
