import type { HealthDetail, Metric } from '@marketbill/platform';
import type { PausedPartition } from './partition-pauses';

/** A consumer group's counts since start (see `Subscriber.stats`). */
export interface SubscriberStats {
  processed: number;
  duplicates: number;
  deadLettered: number;
  retried: number;
  pauses: number;
}

/** The consumer's membership of its group. */
export interface Membership {
  inGroup: boolean;
  crashes: number;
  lastCrash?: string | undefined;
}

/** What the subscriber is doing now, for health and metrics. */
export interface SubscriberSnapshot {
  group: string;
  membership: Membership;
  paused: PausedPartition[];
  /** How long the longest-waiting partition has waited, in seconds. */
  oldestWaitSeconds: number;
  pausedAlertSeconds: number;
  stats: SubscriberStats;
}

/** The state for `/health/detail`: `degraded` while a partition waits or the consumer is out of its group, `alert` past the alert threshold. */
export function subscriberDetail(s: SubscriberSnapshot): HealthDetail {
  const { membership } = s;
  const status: HealthDetail['status'] = s.oldestWaitSeconds >= s.pausedAlertSeconds ? 'alert' : s.paused.length > 0 || !membership.inGroup ? 'degraded' : 'ok';
  return {
    status,
    group: s.group,
    inGroup: membership.inGroup,
    crashes: membership.crashes,
    ...(membership.lastCrash ? { lastCrash: membership.lastCrash } : {}),
    pausedPartitions: s.paused.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      offset: p.offset,
      waitingSeconds: Math.round((Date.now() - p.since.getTime()) / 1000),
      attempts: p.attempts,
      reason: p.reason,
    })),
    pausedAlertSeconds: s.pausedAlertSeconds,
    ...s.stats,
  };
}

/** Counters and gauges for `/metrics`. */
export function subscriberMetrics(s: SubscriberSnapshot): Metric[] {
  const group = { group: s.group };
  const { stats, membership } = s;
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
    { name: 'marketbill_consumer_paused_partitions', help: 'Partitions waiting for a dependency now (their next message is retried until it goes through).', type: 'gauge', samples: [{ labels: group, value: s.paused.length }] },
    {
      name: 'marketbill_consumer_paused_seconds',
      help: `How long the longest-waiting partition has waited for a dependency; alert above ${s.pausedAlertSeconds} s.`,
      type: 'gauge',
      samples: [{ labels: group, value: Math.round(s.oldestWaitSeconds) }],
    },
    { name: 'marketbill_consumer_in_group', help: 'Whether the consumer is a member of its group (1) or not (0: connecting, Kafka down, restarting).', type: 'gauge', samples: [{ labels: group, value: membership.inGroup ? 1 : 0 }] },
    { name: 'marketbill_consumer_crashes_total', help: 'Times the Kafka consumer crashed and was restarted.', type: 'counter', samples: [{ labels: group, value: membership.crashes }] },
  ];
}
