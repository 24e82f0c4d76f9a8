import type { EntityManager } from '@mikro-orm/core';
import { outboxRecordOf, publishEvent, publishEvents, type OutboxRecord } from './outbox';
import type { BatchEventHandler, EventHandler, Subscription } from './subscriptions';

/**
 * What messaging needs to know of one topic: its Kafka settings and its Avro schema. The business
 * catalogue (`TOPICS` of `@marketbill/schemas`, generated from `schemas/topics.json`) has these
 * fields among others; messaging never imports it — each service hands it over (see {@link bindTopics}).
 */
export interface TopicSpec {
  /** The Avro record's name: the `event-type` header of every message. */
  readonly recordName: string;
  readonly partitions: number;
  /** How long Kafka keeps messages; -1 for a compacted topic. */
  readonly retentionMs: number;
  readonly compacted: boolean;
  /** The Avro schema as registered (JSON text). */
  readonly schema: string;
}

/** Topic name → spec: a catalogue of topics as a service hands it to messaging. */
export type TopicCatalog = Readonly<Record<string, TopicSpec>>;

/** The topic names of an event map `E` (topic → the event type it carries). */
export type TopicOf<E> = keyof E & string;

/** Events by topic when nothing more is known: any topic name, events of unknown shape. */
export type AnyEvents = Record<string, unknown>;

/** Every event carries the id consumers deduplicate on. */
export type EventMap<E> = { [T in keyof E]: { eventId: string } };

/**
 * A catalogue bound to the event type of each of its topics: the typed way a service publishes
 * and subscribes. A service binds its catalogue once (`bindTopics<TopicEvents>(TOPICS)` in its
 * `src/topics.ts`) and hands the result to its runtime; its use cases and its subscriptions table
 * take `publish` and `on` from that module.
 */
export interface Topics<E extends EventMap<E>> {
  readonly catalog: TopicCatalog;
  /** Pairs a topic with the handler of its events: one entry of a subscriptions table. */
  on<T extends TopicOf<E>>(topic: T, handler: EventHandler<E[T]>, batchHandler?: BatchEventHandler<E[T]>): Subscription;
  /**
   * Records `event` for publication to `topic`, in the same transaction as the state change that
   * caused it: call it with the transaction's EntityManager; the row is written when that
   * transaction flushes and reaches Kafka only if it commits. The event is checked against its Avro
   * schema here, so a malformed event fails the business operation instead of blocking the relay later.
   *
   * @param key the aggregate id: Kafka keeps events with the same key in order.
   */
  publish<T extends TopicOf<E>>(em: EntityManager, topic: T, key: string, event: E[T]): void;
  /**
   * Records many events in the outbox at once, inside the caller's transaction: for bulk work
   * (an auction day of a thousand rows) where one entity per event through the unit of work costs
   * more than the work itself. Each event is checked against its schema as in `publish`.
   * Pending changes of `em` are flushed first, so events published earlier in the same transaction
   * keep their place before these (order per key holds).
   *
   * @throws Error when `em` is not in a transaction: the rows must commit with the state change.
   */
  publishMany<T extends TopicOf<E>>(em: EntityManager, topic: T, events: Array<{ key: string; event: E[T] }>): Promise<void>;
  /**
   * The outbox row for `event`, encoded in (and so checked against) the topic's Avro schema and
   * carrying the active trace context — for a hand-written statement that writes the state change
   * and its event at once (a hot path that makes its whole change in one statement). Insert it
   * into the service schema's `outbox` table (`event_id, topic, message_key, body,
   * schema_fingerprint, headers`) in that same statement or transaction.
   */
  outboxRecord<T extends TopicOf<E>>(topic: T, key: string, event: E[T]): OutboxRecord;
}

/** The spec of `topic` in `catalog`; a name the catalogue does not hold is a programmer error. */
export function specOf(catalog: TopicCatalog, topic: string): TopicSpec {
  if (!Object.prototype.hasOwnProperty.call(catalog, topic)) throw new Error(`${topic} is not a topic of this service's catalogue`);
  return catalog[topic] as TopicSpec;
}

/**
 * Binds a catalogue to its event types: `bindTopics<TopicEvents>(TOPICS)`. The functions it returns
 * hold no state but the catalogue, so a module may export them destructured.
 */
export function bindTopics<E extends EventMap<E>>(catalog: { readonly [T in TopicOf<E>]: TopicSpec }): Topics<E> {
  const specs: TopicCatalog = catalog;
  return {
    catalog: specs,
    on: (topic, handler, batchHandler) => {
      specOf(specs, topic);
      return batchHandler ? { topic, handler, batchHandler } : { topic, handler };
    },
    publish: (em, topic, key, event) => publishEvent(em, topic, specOf(specs, topic), key, event),
    publishMany: (em, topic, events) => publishEvents(em, topic, specOf(specs, topic), events),
    outboxRecord: (topic, key, event) => outboxRecordOf(topic, specOf(specs, topic), key, event),
  };
}
