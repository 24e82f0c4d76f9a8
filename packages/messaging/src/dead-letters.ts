import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka, Producer } from 'kafkajs';
import { headersToCarrier } from './tracing';

/** One message of a `<topic>.dlq` topic, with what the subscriber wrote about it in headers. */
export interface DeadLetterMessage {
  partition: number;
  offset: string;
  /** `partition:offset` in the dead-letter topic: names one dead letter even without an event id. */
  position: string;
  timestamp: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** The event id (`event-id` header; the relay writes it on every event). */
  eventId: string | undefined;
  reason: string | undefined;
  errorCode: string | undefined;
  group: string | undefined;
  failedAt: string | undefined;
}

/**
 * Reads a topic from its start to its end as it is now, in a throw-away consumer group that commits
 * nothing and is deleted afterwards (so nobody's offsets move). Resolves with every message, in
 * partition then offset order, with the dead-letter headers picked out (absent on other topics).
 */
export async function readTopicToEnd(kafka: Kafka, topic: string, options: { timeoutMs?: number } = {}): Promise<DeadLetterMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return [];

  const groupId = `mb-dlq-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const letters: DeadLetterMessage[] = [];
  const pending = new Set(ends.keys());
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const end = ends.get(partition);
        if (end === undefined || BigInt(message.offset) >= end) return;
        const headers = headersToCarrier(message.headers as IHeaders);
        letters.push({
          partition,
          offset: message.offset,
          position: `${partition}:${message.offset}`,
          timestamp: new Date(Number(message.timestamp)).toISOString(),
          key: message.key?.toString() ?? null,
          value: message.value,
          headers,
          eventId: headers['event-id'],
          reason: headers['dlq-reason'],
          errorCode: headers['dlq-error-code'],
          group: headers['dlq-consumer-group'],
          failedAt: headers['dlq-failed-at'],
        });
        if (BigInt(message.offset) + 1n >= end) {
          pending.delete(partition);
          if (pending.size === 0) done();
        }
      },
    });
    const timeoutMs = options.timeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${topic} was not read to its end within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect().catch(() => undefined);
    const cleanup = kafka.admin();
    await cleanup
      .connect()
      .then(() => cleanup.deleteGroups([groupId]))
      .catch(() => undefined);
    await cleanup.disconnect().catch(() => undefined);
  }
  return letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/** The dead letters of a `<topic>.dlq` topic (see {@link readTopicToEnd}). */
export const readDeadLetters = readTopicToEnd;

/**
 * Puts dead letters back on their topic: the same key (so the same partition and order per key),
 * the same bytes (so the same event id), the original headers without the `dlq-*` ones, plus
 * `replayed-from` (the dead letter's place) and `replayed-at`. Every consumer deduplicates on the
 * event id, so a group that processed the event before skips it and only the groups that failed
 * it apply it. One message per distinct event: a dead letter written by several groups is put back
 * once. Answers the messages sent.
 */
export async function replayDeadLetters(
  producer: Producer,
  target: string,
  deadLetterTopic: string,
  letters: DeadLetterMessage[],
): Promise<DeadLetterMessage[]> {
  const seen = new Set<string>();
  const chosen = letters.filter((l) => {
    const id = l.eventId ?? l.position;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  if (chosen.length === 0) return [];
  const replayedAt = new Date().toISOString();
  await producer.send({
    topic: target,
    acks: -1,
    messages: chosen.map((l) => ({
      key: l.key,
      value: l.value,
      headers: {
        ...Object.fromEntries(Object.entries(l.headers).filter(([k]) => !k.startsWith('dlq-'))),
        'replayed-from': `${deadLetterTopic}/${l.position}`,
        'replayed-at': replayedAt,
      },
    })),
  });
  return chosen;
}
