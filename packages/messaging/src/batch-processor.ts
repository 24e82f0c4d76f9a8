import type { EntityManager } from '@mikro-orm/postgresql';
import type { EachMessagePayload } from 'kafkajs';
import { AppError, backoffDelay, sleep, type Logger, type Orm } from '@marketbill/platform';
import type { AnyEventCodec } from './codec';
import { DeadLetter, isTransient, type DeadLettering, type Outcome } from './dead-lettering';
import type { Inbox } from './inbox';
import type { BatchEventHandler, BatchHandlerContext, HandlerContext, Subscription } from './subscriptions';
import { withBatchConsumeSpan, withConsumeSpan } from './tracing';

/** A chunk's outcome: how many messages, from the first, are done with; and, when one must wait, why. */
export interface ChunkResult {
  handled: number;
  waiting?: unknown;
}

/**
 * Runs a chunk of one partition's messages through their subscription's handlers, each event
 * received through the inbox in the handler's own transaction, poison set aside by dead-lettering.
 */
export interface BatchProcessor {
  processChunk(sub: Subscription, payloads: EachMessagePayload[]): Promise<ChunkResult>;
  /** Counts since creation. */
  stats(): { processed: number; duplicates: number; retried: number };
}

export interface BatchProcessorOptions {
  orm: Orm;
  codec: AnyEventCodec;
  inbox: Inbox;
  deadLettering: DeadLettering;
  /** The consumer group (for the consume spans). */
  groupId: string;
  logger: Logger;
  /** Attempts in place for a transient failure before the message waits. */
  attempts: number;
  /** First delay between attempts in place; doubles up to `maxRetryDelayMs`. */
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type DecodedEvent = { payload: EachMessagePayload; event: { eventId: string } };

/** A message after decoding: its event, or why it is poison, or the dependency fault that keeps it waiting. */
type Decoded = DecodedEvent | { payload: EachMessagePayload; poison: DeadLetter } | { payload: EachMessagePayload; unavailable: unknown };

/**
 * Messages of a partition are taken in chunks; a chunk whose messages all decoded runs in ONE
 * database transaction that first records the event ids in the inbox (a repeat finds its id there
 * and is skipped), then runs the handlers (the batch handler when there is one) with that
 * transaction's EntityManager. A chunk that fails is rolled back and its messages go through one
 * by one, each in its own transaction: a few attempts in place for a transient failure, then it
 * waits; poison is dead-lettered.
 */
export function createBatchProcessor(options: BatchProcessorOptions): BatchProcessor {
  const { inbox, deadLettering, groupId } = options;
  const log = options.logger;
  const stats = { processed: 0, duplicates: 0, retried: 0 };

  function handlerContext(em: EntityManager, sub: Subscription, event: { eventId: string }, payload: EachMessagePayload): HandlerContext {
    const { message, partition, topic } = payload;
    let logger: Logger | undefined;
    return {
      em,
      eventId: event.eventId,
      topic: sub.topic,
      key: message.key?.toString() ?? null,
      partition,
      offset: message.offset,
      headers: message.headers ?? {},
      // Made when a handler first logs: a pino child serializes its bindings when it is made
      // (6 % of a consumer's CPU in bench/messaging when made for every event, with pino's own
      // redaction then), and most handlers log nothing for most events.
      get logger() {
        logger ??= log.child({ topic, eventId: event.eventId });
        return logger;
      },
    };
  }

  function batchContext(em: EntityManager, topic: string, payload: EachMessagePayload): BatchHandlerContext {
    let logger: Logger | undefined;
    return {
      em,
      topic,
      partition: payload.partition,
      get logger() {
        logger ??= log.child({ topic: payload.topic });
        return logger;
      },
    };
  }

  function spanAttributes(payload: EachMessagePayload): Record<string, string | number> {
    return { 'messaging.kafka.partition': payload.partition, 'messaging.kafka.offset': payload.message.offset };
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

  /** One event in its own transaction; true when the inbox already had it (a repeat, skipped). */
  async function handleOnce(sub: Subscription, event: { eventId: string }, payload: EachMessagePayload): Promise<boolean> {
    let duplicate = false;
    await options.orm.em.fork().transactional(async (em) => {
      if (!(await inbox.receive(em, sub.topic, event.eventId))) {
        duplicate = true;
        return;
      }
      await sub.handler(event as never, handlerContext(em, sub, event, payload));
    });
    return duplicate;
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
        if (await deadLettering.isPoison(error)) {
          const code = error instanceof AppError ? error.code : 'handler-failed';
          if (!(error instanceof AppError)) {
            log.error({ err: error, topic, partition, offset: message.offset, eventId: event.eventId }, 'handler failed with an unexpected error');
          }
          return deadLettering.deadLetter(sub.topic, payload, new DeadLetter(error instanceof Error ? error.message : String(error), code, attempt, error));
        }
        if (attempt >= options.attempts) return { kind: 'waiting', error };
        stats.retried++;
        const delay = backoffDelay(attempt, options.initialRetryDelayMs, options.maxRetryDelayMs);
        log.debug({ err: error, topic, partition, offset: message.offset, attempt, retryInMs: delay }, 'handler failed; retrying');
        await sleep(delay);
        await payload.heartbeat();
      }
    }
  }

  /** The fast path: every event of the chunk in one transaction (with the batch handler if there is one). */
  async function handleTogether(sub: Subscription, decoded: DecodedEvent[]): Promise<void> {
    let processed = 0;
    let duplicates = 0;
    await options.orm.em.fork().transactional(async (em) => {
      const fresh = await inbox.receiveMany(
        em,
        sub.topic,
        decoded.map((d) => d.event.eventId),
      );
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
          groupId,
          batch.map(({ payload }) => payload.message.headers),
          { 'messaging.kafka.partition': first.payload.partition, 'messaging.batch.message_count': batch.length },
          () =>
            (sub.batchHandler as BatchEventHandler<never>)(
              batch.map(({ event }) => event) as never,
              batchContext(em, sub.topic, first.payload),
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
        await withConsumeSpan(payload.topic, groupId, payload.message.headers, spanAttributes(payload), () =>
          sub.handler(event as never, handlerContext(em, sub, event, payload)),
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
  async function processChunk(sub: Subscription, payloads: EachMessagePayload[]): Promise<ChunkResult> {
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
    const events = decoded.filter((d): d is DecodedEvent => 'event' in d);
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
          ? await deadLettering.deadLetter(sub.topic, d.payload, d.poison)
          : 'event' in d
            ? await withConsumeSpan(d.payload.topic, groupId, d.payload.message.headers, spanAttributes(d.payload), () => handleOneByOne(sub, d.event, d.payload))
            : ({ kind: 'waiting', error: undefined } as const);
      if (outcome.kind === 'waiting') return { handled, waiting: outcome.error };
    }
    return waiting === undefined && decoded.length === payloads.length ? { handled } : { handled, waiting };
  }

  return { processChunk, stats: () => ({ ...stats }) };
}
