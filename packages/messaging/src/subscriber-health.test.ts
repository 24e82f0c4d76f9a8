import { describe, expect, it } from '@jest/globals';
import { subscriberDetail, subscriberMetrics, type SubscriberSnapshot } from './subscriber-health';

describe('subscriber health', () => {
  const snapshot = (over: Partial<SubscriberSnapshot>): SubscriberSnapshot => ({
    group: 'billing',
    membership: { inGroup: true, crashes: 0 },
    paused: [],
    oldestWaitSeconds: 0,
    pausedAlertSeconds: 60,
    stats: { processed: 3, duplicates: 1, deadLettered: 2, retried: 0, pauses: 0 },
    ...over,
  });
  const waiting = { topic: 't', partition: 0, offset: '1', since: new Date(), attempts: 1, reason: 'db down' };

  it('When nothing waits and the consumer is in its group, then it is ok; a wait degrades it, a long wait alerts', () => {
    expect(subscriberDetail(snapshot({})).status).toBe('ok');
    expect(subscriberDetail(snapshot({ membership: { inGroup: false, crashes: 1 } })).status).toBe('degraded');
    expect(subscriberDetail(snapshot({ paused: [waiting], oldestWaitSeconds: 5 })).status).toBe('degraded');
    expect(subscriberDetail(snapshot({ paused: [waiting], oldestWaitSeconds: 60 })).status).toBe('alert');
  });

  it('When metrics are read, then outcomes are counted per group and the waiting partitions are a gauge', () => {
    const metrics = subscriberMetrics(snapshot({ paused: [waiting] }));
    const messages = metrics.find((m) => m.name === 'marketbill_consumer_messages_total');
    expect(messages?.samples).toEqual([
      { labels: { group: 'billing', outcome: 'processed' }, value: 3 },
      { labels: { group: 'billing', outcome: 'duplicate' }, value: 1 },
      { labels: { group: 'billing', outcome: 'dead_lettered' }, value: 2 },
    ]);
    expect(metrics.find((m) => m.name === 'marketbill_consumer_paused_partitions')?.samples).toEqual([{ labels: { group: 'billing' }, value: 1 }]);
  });
});
