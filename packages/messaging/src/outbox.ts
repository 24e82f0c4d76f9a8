import { EntitySchema, type EntityManager } from '@mikro-orm/core';
import { context, propagation } from '@opentelemetry/api';
import { preparedQuery, qualifiedTable } from '@marketbill/platform';
import { encodeBodies, encodeBody, schemaFingerprint } from './codec';
import type { TopicSpec } from './topic-catalog';

/** A row of the transactional outbox: one event waiting for the relay. */
export interface OutboxMessage {
  id: string;
  eventId: string;
  /** Logical topic (without any test prefix). */
  topic: string;
  messageKey: string;
  /** The event in its topic's Avro schema, without the wire format's header (the relay adds the schema id). */
  body: Buffer;
  /** {@link schemaFingerprint} of the schema that wrote `body`. */
  schemaFingerprint: Buffer;
  /** W3C trace context of the transaction that wrote the event. */
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
    body: { type: 'blob' },
    schemaFingerprint: { type: 'blob' },
    headers: { type: 'json' },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
  },
});

/** An outbox row's values, checked and with the trace context: what `outboxRecord` answers. */
export interface OutboxRecord {
  eventId: string;
  topic: string;
  messageKey: string;
  /** The Avro body (`bytea`). */
  body: Buffer;
  /** Its schema's fingerprint (`bytea`). */
  schemaFingerprint: Buffer;
  headers: Record<string, string>;
}

// The functions below are what a service's bound topics (`bindTopics` in topic-catalog.ts) call with
// the spec of the topic; their documentation is on the `Topics` interface.

export function publishEvent(em: EntityManager, topic: string, spec: TopicSpec, key: string, event: { eventId: string }): void {
  em.persist(em.create(OutboxMessageSchema, { ...outboxRecordOf(topic, spec, key, event), createdAt: new Date() } as OutboxMessage));
}

export function outboxRecordOf(topic: string, spec: TopicSpec, key: string, event: { eventId: string }): OutboxRecord {
  const body = encodeBody(topic, spec, event);
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return { eventId: event.eventId, topic, messageKey: key, body, schemaFingerprint: schemaFingerprint(spec), headers };
}

const PUBLISH_MANY_CHUNK = 1_000;

export async function publishEvents(em: EntityManager, topic: string, spec: TopicSpec, events: Array<{ key: string; event: { eventId: string } }>): Promise<void> {
  if (events.length === 0) return;
  if (!em.isInTransaction()) throw new Error('publishMany must run inside the transaction of the state change');
  // Encoded (and so checked) before anything is written: an invalid event fails the whole call.
  const chunks: Array<{ events: typeof events; bodies: ReturnType<typeof encodeBodies> }> = [];
  for (let i = 0; i < events.length; i += PUBLISH_MANY_CHUNK) {
    const chunk = events.slice(i, i + PUBLISH_MANY_CHUNK);
    chunks.push({ events: chunk, bodies: encodeBodies(topic, spec, chunk.map(({ event }) => event)) });
  }
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  await em.flush();
  const schema = (em.config.get('schema') as string | undefined) ?? 'public';
  const table = qualifiedTable(schema, 'outbox');
  // A prepared statement with the rows as parameters and the Avro bodies as one bytea, cut by their
  // lengths: no JSON for the writer to print, for Postgres to parse and print again, and for the
  // relay to parse (the jsonb payload of earlier versions cost Postgres about twice the CPU per
  // event, bench/messaging).
  const text = `insert into ${table} (event_id, topic, message_key, body, schema_fingerprint, headers)
       select r.event_id, $1, r.message_key, substring($4::bytea from r.start for r.length), $2, $3::jsonb
         from (select event_id, message_key, length, n, (sum(length) over (order by n) - length + 1)::int as start
                 from unnest($5::uuid[], $6::text[], $7::int[]) with ordinality as u(event_id, message_key, length, n)) r
        order by r.n`;
  const fingerprint = schemaFingerprint(spec);
  const headersText = JSON.stringify(headers);
  for (const { events: chunk, bodies } of chunks) {
    await preparedQuery(em, text, [topic, fingerprint, headersText, bodies.bytes, chunk.map(({ event }) => event.eventId), chunk.map(({ key }) => key), bodies.lengths]);
  }
}
