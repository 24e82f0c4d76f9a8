import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { pgClientConfig, quoteIdentifier } from '@marketbill/platform';
import { madeInRun } from './names';
import type { StackEnv } from './stack-env';

/** What a cleanup removed, and what it could not (with the reason). */
export interface CleanupReport {
  topics: number;
  groups: number;
  subjects: number;
  schemas: number;
  failures: string[];
}

const TOPICS_PER_REQUEST = 100;
const SUBJECTS_AT_ONCE = 8;

async function removeKafkaData(brokers: string, run: string, report: CleanupReport): Promise<void> {
  const kafka = new Kafka({ clientId: 'marketbill-test-cleanup', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => madeInRun(t, run));
    for (let i = 0; i < topics.length; i += TOPICS_PER_REQUEST) {
      const some = topics.slice(i, i + TOPICS_PER_REQUEST);
      await admin.deleteTopics({ topics: some, timeout: 30_000 });
      report.topics += some.length;
    }
    // A group still joined by a member (a process a test left running) cannot be deleted; the
    // broker answers per group, and kafkajs throws for the lot, naming the ones that failed.
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => madeInRun(g, run));
    if (groups.length > 0) {
      try {
        report.groups += (await admin.deleteGroups(groups)).length;
      } catch (error) {
        const failed = (error as { groups?: Array<{ groupId: string; errorCode: number }> }).groups ?? [];
        report.groups += groups.length - failed.length;
        for (const g of failed) report.failures.push(`consumer group ${g.groupId}: Kafka error ${g.errorCode}`);
        if (failed.length === 0) throw error;
      }
    }
  } finally {
    await admin.disconnect();
  }
}

async function registry(url: string, path: string, method = 'GET'): Promise<unknown> {
  const response = await fetch(`${url.replace(/\/$/, '')}${path}`, { method, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

async function removeSubjects(url: string, run: string, report: CleanupReport): Promise<void> {
  const subjects = ((await registry(url, '/subjects')) as string[]).filter((s) => madeInRun(s, run));
  // A few at a time: one by one a run's few hundred subjects took ≈ 14 ms each.
  const remove = async (): Promise<void> => {
    for (let subject = subjects.pop(); subject !== undefined; subject = subjects.pop()) {
      const path = `/subjects/${encodeURIComponent(subject)}`;
      try {
        // The Confluent API deletes in two steps: soft (hidden), then permanent.
        await registry(url, path, 'DELETE');
        await registry(url, `${path}?permanent=true`, 'DELETE');
        report.subjects += 1;
      } catch (error) {
        report.failures.push(`registry subject ${subject}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: SUBJECTS_AT_ONCE }, remove));
}

async function removeSchemas(databaseUrl: string, run: string, report: CleanupReport): Promise<void> {
  const client = new Client(pgClientConfig(databaseUrl, 'marketbill-test-cleanup'));
  await client.connect();
  try {
    // A schema some leftover connection still holds is reported, not waited for.
    await client.query(`set lock_timeout = '5s'`);
    const { rows } = await client.query<{ nspname: string }>('select nspname from pg_namespace order by nspname');
    for (const { nspname } of rows.filter((r) => madeInRun(r.nspname, run))) {
      try {
        await client.query(`drop schema if exists ${quoteIdentifier(nspname)} cascade`);
        report.schemas += 1;
      } catch (error) {
        report.failures.push(`Postgres schema ${nspname}: ${(error as Error).message}`);
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * Removes from the shared stack what a test run named (`uniqueName` with the run's tag): its Kafka
 * topics and consumer groups, its registry subjects and its Postgres schemas. Names of other runs,
 * the services' own and the benchmarks' are left alone. A part that fails is reported and the
 * others still run: a cleanup never hides a test's outcome.
 */
export async function removeTestRun(stack: Pick<StackEnv, 'KAFKA_BROKERS' | 'SCHEMA_REGISTRY_URL' | 'DATABASE_URL'>, run: string): Promise<CleanupReport> {
  const report: CleanupReport = { topics: 0, groups: 0, subjects: 0, schemas: 0, failures: [] };
  const parts: Array<[string, () => Promise<void>]> = [
    ['Kafka', () => removeKafkaData(stack.KAFKA_BROKERS, run, report)],
    ['the schema registry', () => removeSubjects(stack.SCHEMA_REGISTRY_URL, run, report)],
    ['Postgres', () => removeSchemas(stack.DATABASE_URL, run, report)],
  ];
  await Promise.all(
    parts.map(async ([name, part]) => {
      try {
        await part();
      } catch (error) {
        report.failures.push(`${name}: ${(error as Error).message}`);
      }
    }),
  );
  return report;
}
