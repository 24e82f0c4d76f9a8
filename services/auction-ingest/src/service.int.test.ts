import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEventCodec, createKafka, createRegistryClient, createTopicNaming } from '@marketbill/messaging';
import { createLogger } from '@marketbill/platform';
import type { AuctionPriceUpdated } from '@marketbill/schemas';
import { dropSchema, query, readTopic, serviceDatabase, stackEnv, uniqueName, uniqueTopicPrefix, waitFor, type TopicReader } from '@marketbill/testing';
import { readConfig } from './config';
import { createService, type Service } from './service';
import { topics } from './topics';

// The embedded default end to end: no AT_API_KEY, so the service serves synthetic days itself,
// imports them through its aT client at start (catch-up) and publishes them through the outbox.
const env = stackEnv();
const schema = uniqueName('ingest_svc');
const prefix = uniqueTopicPrefix();
const naming = createTopicNaming(topics, prefix);
const logger = createLogger({ service: 'ingest-test', level: 'silent' });
const kafka = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'ingest-test', logger });
let service: Service;
let reader: TopicReader;

beforeAll(async () => {
  service = await createService(
    readConfig({
      DATABASE_URL: (await serviceDatabase(env.DATABASE_URL, 'auction-ingest', schema)).url,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL,
      DATABASE_SCHEMA: schema,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
      CATCH_UP_DAYS: '2',
      REPLAY_ROWS_PER_DAY: '20',
      REPLAY_VARIETIES_PER_CATEGORY: '60',
    }),
  );
  await service.start();
  reader = await readTopic(kafka, naming.topic('auction.price.updated'));
}, 60_000);

afterAll(async () => {
  await reader?.stop();
  await service?.runtime.stop();
  await dropSchema(env.DATABASE_URL, schema);
  // Stopping leaves the consumer group and flushes Kafka clients: seconds on a busy machine.
}, 60_000);

describe('auction-ingest without a key', () => {
  it('When the service starts, then it catches up the recent days from the replay source and publishes every row once, labelled REPLAY', async () => {
    const runs = await waitFor(
      async () => {
        const rows = await query<{ status: string; n: number }>(env.DATABASE_URL, `select status, count(*)::int as n from "${schema}".import_run group by status`);
        return rows.length === 1 && rows[0]?.status === 'SUCCEEDED' && rows[0].n === 8 && rows;
      },
      { description: '2 days × 4 categories imported', timeoutMs: 30_000 },
    );
    expect(runs).toEqual([{ status: 'SUCCEEDED', n: 8 }]);
    const [{ n }] = (await query<{ n: number }>(env.DATABASE_URL, `select count(*)::int as n from "${schema}".auction_row where source = 'REPLAY'`)) as [{ n: number }];
    const messages = await reader.waitForCount(n);
    const codec = createEventCodec(createRegistryClient(env.SCHEMA_REGISTRY_URL), naming);
    const events = await Promise.all(messages.map((m) => codec.decode('auction.price.updated', m.value as Buffer)));
    expect(new Set(events.map((e: AuctionPriceUpdated) => e.eventId)).size).toBe(n);
    expect(events.every((e) => e.source === 'REPLAY' && e.change === 'NEW' && e.revision === 1)).toBe(true);
    expect(messages.every((m, i) => m.key === `${events[i]?.category}|${events[i]?.item}|${events[i]?.variety}`)).toBe(true);
    expect(messages[0]?.headers['event-type']).toBe('AuctionPriceUpdated');
  });
});
