import { randomUUID } from 'node:crypto';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import { waitFor } from './wait-for';

export interface ReadMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface TopicReader {
  messages: ReadMessage[];
  /** Waits until at least `count` messages arrived and returns them. */
  waitForCount(count: number, timeoutMs?: number): Promise<ReadMessage[]>;
  stop(): Promise<void>;
}

function toStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first.toString();
  }
  return out;
}

/** Reads a topic from the beginning in a throw-away group and keeps what arrives. */
export async function readTopic(kafka: Kafka, topic: string): Promise<TopicReader> {
  const consumer: Consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic: t, partition, message }) => {
      messages.push({
        topic: t,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        value: message.value,
        headers: toStrings(message.headers),
      });
    },
  });
  return {
    messages,
    waitForCount: (count, timeoutMs = 30_000) =>
      waitFor(() => messages.length >= count && messages, { timeoutMs, description: `${count} messages on ${topic}` }),
    stop: () => consumer.disconnect(),
  };
}
