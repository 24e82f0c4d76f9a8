import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { TOPICS, type OrderPlaced, type TopicEvents } from '@marketbill/schemas';
import { avroTypeOf, InvalidEventError, schemaFingerprint } from './codec';
import { bindTopics } from './topic-catalog';
import { createTopicNaming } from './topic-naming';

// Messaging knows topics only through the catalogue a service hands it: these tests bind one that
// is not the business list at all, and the business list the way every service does.

interface PingEvents {
  'test.ping': { eventId: string; count: number };
}

const ping = bindTopics<PingEvents>({
  'test.ping': {
    recordName: 'Ping',
    partitions: 1,
    retentionMs: 60_000,
    compacted: false,
    schema: JSON.stringify({ type: 'record', name: 'Ping', fields: [{ name: 'eventId', type: 'string' }, { name: 'count', type: 'long' }] }),
  },
});

const example = (): OrderPlaced => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'examples', 'order.placed.json'), 'utf8')) as OrderPlaced;

describe('a catalogue handed to messaging', () => {
  it('When an event matches its topic’s schema in the handed catalogue, then its outbox row carries the id, topic, key and the event in that schema', () => {
    const row = ping.outboxRecord('test.ping', 'k1', { eventId: 'e1', count: 3 });
    expect(row).toMatchObject({ eventId: 'e1', topic: 'test.ping', messageKey: 'k1' });
    expect(avroTypeOf(ping.catalog['test.ping']!).fromBuffer(row.body)).toEqual({ eventId: 'e1', count: 3 });
    expect(row.schemaFingerprint.equals(schemaFingerprint(ping.catalog['test.ping']!))).toBe(true);
  });

  it('When an event does not match the handed schema, then it is refused with invalid-event and the failing field', () => {
    let error: unknown;
    try {
      ping.outboxRecord('test.ping', 'k1', { eventId: 'e1', count: 1.5 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error).toMatchObject({ code: 'invalid-event', details: { topic: 'test.ping', paths: ['count'] } });
  });

  it('When a subscription or an event names a topic the catalogue does not hold, then it fails at once, naming the topic', () => {
    expect(() => ping.on('order.placed' as never, async () => undefined)).toThrow(/order\.placed is not a topic/);
    expect(() => ping.outboxRecord('order.placed' as never, 'k', { eventId: 'e', count: 1 } as never)).toThrow(/order\.placed is not a topic/);
  });

  it('When topics are named under a prefix, then the physical names, subjects, dead letters and settings come from the handed catalogue', () => {
    const naming = createTopicNaming(ping, 't1.');
    expect(naming.topic('test.ping')).toBe('t1.test.ping');
    expect(naming.deadLetter('test.ping')).toBe('t1.test.ping.dlq');
    expect(naming.subject('test.ping')).toBe('t1.test.ping-value');
    expect(naming.logical('t1.test.ping')).toBe('test.ping');
    expect(naming.logical('t2.test.ping')).toBeUndefined();
    expect(naming.has('test.ping')).toBe(true);
    expect(naming.has('order.placed')).toBe(false);
    expect(naming.spec('test.ping')).toMatchObject({ recordName: 'Ping', partitions: 1, retentionMs: 60_000 });
    expect(() => naming.spec('order.placed')).toThrow(/not a topic/);
  });

  it('When a service binds the published catalogue, then every topic of it is known with the settings of topics.json', () => {
    const topics = bindTopics<TopicEvents>(TOPICS);
    const naming = createTopicNaming(topics);
    for (const [name, spec] of Object.entries(TOPICS)) {
      expect(naming.logical(name)).toBe(name);
      expect(naming.spec(name)).toMatchObject({ recordName: spec.recordName, partitions: spec.partitions, retentionMs: spec.retentionMs, compacted: spec.compacted });
    }
    const event = example();
    expect(topics.outboxRecord('order.placed', event.order.orderId, event)).toMatchObject({ eventId: event.eventId, topic: 'order.placed' });
  });
});
