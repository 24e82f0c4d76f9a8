import type { EntityManager } from '@mikro-orm/postgresql';
import type { IHeaders } from 'kafkajs';
import type { Logger } from '@marketbill/platform';

/** What a handler gets besides the event. */
export interface HandlerContext {
  /** The transaction's EntityManager: write state and `publish()` follow-up events with it. */
  em: EntityManager;
  eventId: string;
  /** The logical topic (without any test prefix). */
  topic: string;
  key: string | null;
  partition: number;
  offset: string;
  headers: IHeaders;
  logger: Logger;
}

/** Handles one event (`Event`: the type its topic carries, e.g. `EventHandler<OrderPlaced>`). */
export type EventHandler<Event> = (event: Event, ctx: HandlerContext) => Promise<void>;

/** What a batch handler gets besides the events. */
export interface BatchHandlerContext {
  /** The chunk's transaction: write the state of every event with it. */
  em: EntityManager;
  topic: string;
  partition: number;
  logger: Logger;
}

/**
 * Applies several new events of one partition at once, in their order, in one transaction (e.g.
 * with one set-based statement). Events already processed are not passed. It must have the same
 * effect as the per-event handler applied to each in turn: when a chunk fails, its events are
 * replayed one by one through the per-event handler.
 */
export type BatchEventHandler<Event> = (events: Event[], ctx: BatchHandlerContext) => Promise<void>;

/**
 * One entry of a service's subscriptions table: a topic and the handler of its events (and
 * optionally a batch handler). Made by a service's bound `on(topic, handler)` (see `bindTopics`),
 * which pairs each topic with its own event type; here the event type is no longer known.
 */
export interface Subscription {
  topic: string;
  handler: EventHandler<never>;
  /** Used in batch mode instead of calling `handler` per event; see {@link BatchEventHandler}. */
  batchHandler?: BatchEventHandler<never>;
}
