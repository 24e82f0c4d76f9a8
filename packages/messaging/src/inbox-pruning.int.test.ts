import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createLogger, createOrm, migrate, type Orm } from '@marketbill/platform';
import { type TopicEvents, TOPICS } from '@marketbill/schemas';
import { dropSchema, query, stackEnv, uniqueName, uniqueTopicPrefix } from '@marketbill/testing';
import { bindTopics, createEventCodec, createKafka, createProducer, createRegistryClient, createSubscriber, createTopicNaming, messagingMigrations, OutboxMessageSchema, type Subscriber } from './index';
import { createInbox } from './inbox';

const topics = bindTopics<TopicEvents>(TOPICS);

// The inbox grows by one row per event and consumer group (bench/README.md: growth per day). What
// keeps it bounded is the subscriber's pruning (hourly, and on demand): these tests prove it deletes
// what is older than the retention, only for its own group, and that the default retention outlives
// every topic's — a redelivery can only come from a message still in Kafka, so no event that can
// still arrive loses its inbox row.

const env = stackEnv();
const logger = createLogger({ service: 'inbox-pruning-test', level: 'silent' });
const DAY_MS = 86_400_000;
let schema: string;
let orm: Orm;

beforeEach(async () => {
  schema = uniqueName('inbox');
  orm = await createOrm({ url: env.DATABASE_URL, schema, entities: [OutboxMessageSchema], migrations: messagingMigrations });
  await migrate(orm, env.DATABASE_URL);
});

afterEach(async () => {
  await orm.close();
  await dropSchema(env.DATABASE_URL, schema);
});

/** A subscriber that is never started: pruning needs only its database. */
function subscriber(groupId: string, inboxRetentionDays?: number): Subscriber {
  const kafka = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'inbox-pruning-test', logger });
  const naming = createTopicNaming(topics, uniqueTopicPrefix());
  return createSubscriber({
    kafka,
    producer: createProducer(kafka),
    codec: createEventCodec(createRegistryClient(env.SCHEMA_REGISTRY_URL), naming),
    naming,
    orm,
    groupId,
    logger,
    subscriptions: [],
    ...(inboxRetentionDays === undefined ? {} : { inboxRetentionDays }),
  });
}

/** Inbox rows of `group`, processed `ageDays` ago; answers their event ids. */
async function processed(group: string, ageDays: number, count = 1): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await query(
    env.DATABASE_URL,
    `insert into "${schema}".inbox (consumer_group, event_id, topic, processed_at)
     select $1, unnest($2::uuid[]), 'order.placed', now() - make_interval(secs => $3::double precision * 86400)`,
    [group, ids, ageDays],
  );
  return ids;
}

async function remaining(): Promise<string[]> {
  return (await query<{ event_id: string }>(env.DATABASE_URL, `select event_id from "${schema}".inbox order by event_id`)).map((r) => r.event_id);
}

describe('inbox pruning', () => {
  it('When the inbox is pruned, then entries older than the retention go, younger ones and other groups’ stay', async () => {
    await processed('billing', 31, 3);
    const young = await processed('billing', 29);
    const otherGroup = await processed('notifier', 31);
    expect(await subscriber('billing', 30).pruneInbox()).toBe(3);
    expect(await remaining()).toEqual([...young, ...otherGroup].sort());
  });

  it('When more than one batch is due, then every old entry goes in batches of 5,000', async () => {
    await processed('catalog', 101, 12_345);
    const kept = await processed('catalog', 1);
    expect(await subscriber('catalog').pruneInbox()).toBe(12_345);
    expect(await remaining()).toEqual(kept);
  });

  it('When a pruning is aborted (its job stopping) while it runs, then it ends after the batch in flight and keeps the rest for the next one', async () => {
    await processed('catalog', 101, 12_345);
    const inbox = createInbox({ orm, groupId: 'catalog' });
    const abort = new AbortController();
    const pruning = inbox.prune(abort.signal);
    abort.abort(); // the first batch is already on its way
    expect(await pruning).toBe(5_000);
    expect(await remaining()).toHaveLength(7_345);
    expect(await inbox.prune(abort.signal)).toBe(0);
    expect(await inbox.prune()).toBe(7_345);
  });

  it('When the retention is the default, then an entry as old as the longest topic retention (plus a day) is kept: its event could still be redelivered', async () => {
    const longestDays = Math.max(...Object.values(TOPICS).map((t) => t.retentionMs)) / DAY_MS;
    expect(longestDays).toBeGreaterThan(0);
    const stillDeliverable = await processed('ordering', longestDays + 1);
    await processed('ordering', 101);
    expect(await subscriber('ordering').pruneInbox()).toBe(1);
    expect(await remaining()).toEqual(stillDeliverable);
  });
});
