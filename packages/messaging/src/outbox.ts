import { EntitySchema, type EntityManager } from '@mikro-orm/core';
import { context, propagation } from '@opentelemetry/api';
import type { TopicEvents, TopicName } from '@marketbill/schemas';
import { InvalidEventError, avroTypeOf } from './codec';

/** A row of the transactional outbox: one event waiting for the relay. */
export interface OutboxMessage {
  id: string;
  eventId: string;
  /** Logical topic (without any test prefix). */
  topic: string;
  messageKey: string;
  payload: unknown;
  /** W3C trace context of the transaction that wrote the event, and `event-type`. */
  headers: Record<string, string>;
  createdAt: Date;
}

/**
 * The outbox table lives in each service's own schema (the migration in `migrations.ts` creates it
 * with its trigger). Services add this entity to their ORM entities.
 */
export const OutboxMessageSchema = new EntitySchema<OutboxMessage>({
  name: 'OutboxMessage',
  tableName: 'outbox',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    eventId: { type: 'uuid' },
    topic: { type: 'text' },
    messageKey: { type: 'text' },
    payload: { type: 'json' },
    headers: { type: 'json' },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
  },
});

/**
 * Records `event` for publication to `topic`, in the same transaction as the state change that
 * caused it: call it with the transaction's EntityManager; the row is written when that transaction
 * flushes and reaches Kafka only if it commits. The event is checked against its Avro schema here,
 * so a malformed event fails the business operation instead of blocking the relay later.
 *
 * @param key the aggregate id: Kafka keeps events with the same key in order.
 */
export function publish<T extends TopicName>(em: EntityManager, topic: T, key: string, event: TopicEvents[T]): void {
  const paths: string[] = [];
  const type = avroTypeOf(topic);
  if (!type.isValid(event, { errorHook: (path) => paths.push(path.join('.')) })) {
    throw InvalidEventError.forTopic(topic, paths);
  }
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  em.persist(
    em.create(OutboxMessageSchema, {
      eventId: event.eventId,
      topic,
      messageKey: key,
      payload: event,
      headers,
      createdAt: new Date(),
    } as OutboxMessage),
  );
}
