import type { Admin, Kafka } from 'kafkajs';
import { sleep } from '@marketbill/platform';
import type { TopicOf } from './topic-catalog';
import type { TopicNaming } from './topic-naming';

const DAY_MS = 86_400_000;

/**
 * Dead letters are kept long enough to investigate and replay (30 days), but never much longer
 * than the topic keeps its own messages: a short-lived topic (verification codes, one hour) has
 * short-lived dead letters too (one day), so what it carries does not outlive its purpose.
 */
export function deadLetterRetentionMs(topicRetentionMs: number): number {
  if (topicRetentionMs < 0) return 30 * DAY_MS; // compacted: keep dead letters the usual 30 days
  return Math.min(30 * DAY_MS, Math.max(topicRetentionMs, DAY_MS));
}

/**
 * Creates the given topics and their dead-letter topics with the settings of the naming's catalogue
 * (partitions, retention, compaction: `schemas/topics.json` for ours). Existing topics are left as they are. Brokers here have
 * topic auto-creation off, so a typo in a topic name fails loudly instead of making a new topic.
 */
export async function ensureTopics<E>(
  kafka: Kafka,
  naming: TopicNaming<E>,
  names: Array<TopicOf<E>>,
  options: { replicationFactor?: number; partitions?: number } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = names.flatMap((name) => {
      const spec = naming.spec(name);
      const partitions = options.partitions ?? spec.partitions;
      const replicationFactor = options.replicationFactor ?? 1;
      const configEntries = spec.compacted
        ? [{ name: 'cleanup.policy', value: 'compact' }]
        : [{ name: 'retention.ms', value: String(spec.retentionMs) }];
      return [
        { topic: naming.topic(name), numPartitions: partitions, replicationFactor, configEntries },
        {
          topic: naming.deadLetter(name),
          numPartitions: partitions,
          replicationFactor,
          configEntries: [{ name: 'retention.ms', value: String(deadLetterRetentionMs(spec.retentionMs)) }],
        },
      ];
    });
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return;
    try {
      // Not kafkajs's waitForLeaders: with Kafka 4 (KRaft) the broker can answer the metadata
      // request that follows CreateTopics with UNKNOWN_TOPIC_OR_PARTITION for a moment, and
      // kafkajs retries only LEADER_NOT_AVAILABLE there, so it fails a creation that succeeded.
      await admin.createTopics({ topics: missing, waitForLeaders: false });
    } catch (error) {
      // Two replicas starting together race to create the same topic; the loser sees
      // TOPIC_ALREADY_EXISTS, which is the outcome it wanted.
      if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') {
        const already = new Set(await admin.listTopics());
        if (missing.some((t) => !already.has(t.topic))) throw error;
      }
    }
    await waitForLeaders(admin, missing.map((t) => t.topic));
  } finally {
    await admin.disconnect();
  }
}

/** Polls metadata until every partition of `topics` has a leader (tolerating "unknown topic" while it propagates). */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.length === topics.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (ready) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await sleep(100);
  }
}
