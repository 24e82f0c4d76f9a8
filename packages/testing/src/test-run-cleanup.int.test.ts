import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { query } from './database';
import { freePort } from './system';
import { stackEnv } from './stack-env';
import { waitFor } from './wait-for';
import { removeTestRun } from './test-run-cleanup';
import { uniqueName } from './names';

// Two runs of their own, not the run this test is part of: the cleanup of `mine` must take all of
// its names and none of `theirs`.
const tag = () => `zz${randomBytes(3).toString('hex')}`;
const mine = tag();
const theirs = tag();

jest.setTimeout(60_000);

const stack = stackEnv();
const kafka = new Kafka({ clientId: 'cleanup-test', brokers: stack.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
/**
 * A fresh admin client per use: a long-lived one keeps the topics it created in its metadata, and
 * after the cleanup deleted them its next request fails on them.
 */
async function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

const schema = JSON.stringify({ type: 'record', name: 'Probe', fields: [{ name: 'id', type: 'string' }] });
async function register(subject: string): Promise<void> {
  const response = await fetch(`${stack.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema }),
  });
  expect(response.status).toBe(200);
}
/** Whether the registry still knows a subject, soft-deleted versions included: a removed subject is deleted for good. */
async function known(subject: string): Promise<boolean> {
  const response = await fetch(`${stack.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(subject)}/versions?deleted=true`);
  expect([200, 404]).toContain(response.status);
  return response.status === 200;
}
/** The broker's topics once the given ones are gone (a deletion reaches every broker's metadata shortly after). */
async function topicsWithout(gone: string[]): Promise<string[]> {
  return waitFor(async () => {
    const topics = await withAdmin((admin) => admin.listTopics());
    return gone.some((t) => topics.includes(t)) ? undefined : topics;
  }, { description: `${gone.join(', ')} to be deleted` });
}
async function schemas(): Promise<string[]> {
  return (await query<{ nspname: string }>(stack.DATABASE_URL, 'select nspname from pg_namespace')).map((r) => r.nspname);
}

/** What a run leaves on the stack, as tests make it: a topic prefix, a service's schema and group. */
async function leaveBehind(run: string) {
  const prefix = `${uniqueName('t', run)}.`;
  const system = uniqueName('sys', run);
  const names = {
    topics: [`${prefix}auction.price.updated`, `${prefix}auction.price.updated.dlq`],
    group: `${system}.catalog`,
    subject: `${prefix}auction.price.updated-value`,
    schema: `${system}_catalog`,
  };
  await withAdmin(async (admin) => {
    await admin.createTopics({ topics: names.topics.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
    // A group that committed an offset and left, as a stopped service's does.
    await admin.setOffsets({ groupId: names.group, topic: names.topics[0] as string, partitions: [{ partition: 0, offset: '0' }] });
  });
  await register(names.subject);
  await query(stack.DATABASE_URL, `create schema "${names.schema}"; create table "${names.schema}".price_point (id int)`);
  return names;
}

afterAll(async () => {
  await removeTestRun(stack, theirs);
});

describe('removing what a test run left on the stack', () => {
  it("When a run ends, then its topics, consumer groups, registry subjects and schemas are removed, and another run's stay", async () => {
    const own = await leaveBehind(mine);
    const other = await leaveBehind(theirs);

    const report = await removeTestRun(stack, mine);

    expect(report).toEqual({ topics: 2, groups: 1, subjects: 1, schemas: 1, failures: [] });
    const topics = await topicsWithout(own.topics);
    expect(other.topics.filter((t) => topics.includes(t))).toEqual(other.topics);
    const groups = (await withAdmin((admin) => admin.listGroups())).groups.map((g) => g.groupId);
    expect(groups).not.toContain(own.group);
    expect(groups).toContain(other.group);
    expect(await known(own.subject)).toBe(false);
    expect(await known(other.subject)).toBe(true);
    const namespaces = await schemas();
    expect(namespaces).not.toContain(own.schema);
    expect(namespaces).toContain(other.schema);
  });

  it('When one part of the stack cannot be reached, then that part is reported and the others are still cleaned', async () => {
    const own = await leaveBehind(mine);
    const closed = `http://127.0.0.1:${await freePort()}/apis/ccompat/v7`;

    const report = await removeTestRun({ ...stack, SCHEMA_REGISTRY_URL: closed }, mine);

    expect(report).toMatchObject({ topics: 2, groups: 1, subjects: 0, schemas: 1 });
    expect(report.failures).toEqual([expect.stringMatching(/^the schema registry: /)]);
    expect(await known(own.subject)).toBe(true);
    await topicsWithout(own.topics);
    expect(await schemas()).not.toContain(own.schema);

    expect(await removeTestRun(stack, mine)).toEqual({ topics: 0, groups: 0, subjects: 1, schemas: 0, failures: [] });
  });
});
