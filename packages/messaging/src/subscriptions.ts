import type { EntityManager } from '@mikro-orm/postgresql';
import type { IHeaders } from 'kafkajs';
import type { Logger } from '@marketbill/platform';
import type { TopicEvents, TopicName } from '@marketbill/schemas';

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
