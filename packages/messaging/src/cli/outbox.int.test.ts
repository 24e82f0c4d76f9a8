import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createOrm, migrate, type Orm } from '@marketbill/platform';
import { type ConnectionRequested, type TopicEvents, TOPICS } from '@marketbill/schemas';
import { dropSchema, query, serviceDatabase, stackEnv, uniqueName } from '@marketbill/testing';
import { encodeBody, schemaFingerprint } from '../codec';
import { messagingMigrations } from '../migrations';
import { OutboxMessageSchema } from '../outbox';
import { bindTopics } from '../topic-catalog';

jest.setTimeout(60_000);
const env = stackEnv();
const { publishMany } = bindTopics<TopicEvents>(TOPICS);
let schema: string;
let databaseUrl: string;
let orm: Orm;

beforeEach(async () => {
  schema = uniqueName('outboxcli');
  databaseUrl = (await serviceDatabase(env.DATABASE_URL, 'messaging', schema)).url;
  orm = await createOrm({ url: databaseUrl, schema, entities: [OutboxMessageSchema], migrations: messagingMigrations });
  await migrate(orm, databaseUrl);
});

afterEach(async () => {
  await orm.close();
  await dropSchema(env.DATABASE_URL, schema);
});

function runOutbox(args: string[]): Promise<{ code: number | null; lines: Array<Record<string, unknown>>; stderr: string }> {
  // The built CLI, as operators run it (`npm test` builds before Jest runs), with the service's own database URL.
  const cli = join(__dirname, '..', '..', 'dist', 'cli', 'outbox.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, lines: stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stderr }));
  });
}

const requested = (name: string): ConnectionRequested => ({
  eventId: randomUUID(),
  occurredAt: 1_764_050_000_000,
  connectionId: randomUUID(),
  retailer: { id: randomUUID(), name, phone: null, sealedPhone: 's1.opaque-retailer' },
  wholesaler: { id: randomUUID(), name: '양재꽃상회', phone: null, sealedPhone: 's1.opaque-wholesaler' },
});

describe('mb-outbox', () => {
  it('When the outbox holds Avro bodies (in this build’s schema and in one another version recorded) and a JSON row, then the CLI prints each event decoded, oldest first; --failed prints the set-aside rows with their reason', async () => {
    const first = requested('꽃담플라워');
    const second = requested('들꽃');
    await orm.em.fork().transactional((em) =>
      publishMany(em, 'connection.requested', [
        { key: first.connectionId, event: first },
        { key: second.connectionId, event: second },
      ]),
    );
    // A body another version wrote (one more field) and recorded, and a row in the earlier JSON form.
    const other = JSON.parse(TOPICS['connection.requested'].schema) as { fields: unknown[] };
    other.fields.push({ name: 'channel', type: 'string', default: 'APP' });
    const otherSpec = { schema: JSON.stringify(other) };
    const older = { ...requested('옛버전'), channel: 'WEB' };
    await query(env.DATABASE_URL, `insert into "${schema}".outbox_schema (fingerprint, topic, schema) values ($1, 'connection.requested', $2)`, [schemaFingerprint(otherSpec), otherSpec.schema]);
    await query(env.DATABASE_URL, `insert into "${schema}".outbox (event_id, topic, message_key, body, schema_fingerprint) values ($1, 'connection.requested', $2, $3, $4)`, [
      older.eventId,
      older.connectionId,
      encodeBody('connection.requested', otherSpec, older),
      schemaFingerprint(otherSpec),
    ]);
    const legacy = requested('제이슨');
    await query(env.DATABASE_URL, `insert into "${schema}".outbox (event_id, topic, message_key, payload) values ($1, 'connection.requested', $2, $3::jsonb)`, [legacy.eventId, legacy.connectionId, JSON.stringify(legacy)]);
    // A body whose schema nobody recorded, set aside by the relay.
    const lost = requested('분실');
    await query(
      env.DATABASE_URL,
      `insert into "${schema}".outbox_failed (id, event_id, topic, message_key, body, schema_fingerprint, headers, created_at, reason) values (1000, $1, 'connection.requested', $2, $3, $4, '{}', now(), 'written with a schema nobody recorded')`,
      [lost.eventId, lost.connectionId, encodeBody('connection.requested', { schema: JSON.stringify({ ...other, fields: [...other.fields, { name: 'x', type: 'int', default: 0 }] }) }, { ...lost, channel: 'APP', x: 1 }), Buffer.alloc(32, 7)],
    );

    const waiting = await runOutbox([schema]);
    expect(waiting.stderr).toBe('');
    expect(waiting.code).toBe(0);
    expect(waiting.lines.map((l) => [l.eventId, l.form])).toEqual([
      [first.eventId, 'avro'],
      [second.eventId, 'avro'],
      [older.eventId, 'avro'],
      [legacy.eventId, 'json'],
    ]);
    expect(waiting.lines[0]).toMatchObject({ topic: 'connection.requested', key: first.connectionId, event: first });
    expect(waiting.lines[1]).toMatchObject({ event: { retailer: { name: '들꽃' } } });
    expect(waiting.lines[2]).toMatchObject({ event: { ...older, channel: 'WEB' } });
    expect(waiting.lines[3]).toMatchObject({ event: legacy });
    expect((await runOutbox([schema, '--max', '1'])).lines).toHaveLength(1);

    const failed = await runOutbox([schema, '--failed']);
    expect(failed.code).toBe(0);
    expect(failed.lines).toEqual([
      expect.objectContaining({ id: 1000, eventId: lost.eventId, reason: 'written with a schema nobody recorded', form: 'avro', error: expect.stringMatching(/neither this build's connection\.requested nor recorded/) }),
    ]);
  });

  it('When the arguments are wrong or name a schema without an outbox, then it exits 1 saying so and reads nothing', async () => {
    const none = await runOutbox([]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/usage: mb-outbox <service schema>/);
    const badMax = await runOutbox([schema, '--max', '0']);
    expect(badMax.code).toBe(1);
    expect(badMax.stderr).toMatch(/--max needs a positive whole number/);
    const unknown = await runOutbox(['no_such_schema']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no outbox tables in schema no_such_schema/);
  });
});
