#!/usr/bin/env node
/**
 * mb-outbox — prints a service's outbox as JSON lines, each event decoded from its Avro body: what
 * waits for the relay, or (`--failed`) what the relay set aside, with the reason. The rows hold
 * bytes since the outbox stores Avro (docs/messaging.md, "What a row holds"), so this is how an
 * operator reads them.
 *
 *   npm run outbox -- ordering              the events waiting in ordering's outbox, oldest first
 *   npm run outbox -- ordering --failed     the events set aside in outbox_failed
 *   npm run outbox -- ordering --max 10
 *
 * Reads DATABASE_URL from the environment (a service's own URL reads its own schema), or the local
 * stack's from .stack/env. Reads only: re-queueing stays a reviewed SQL statement (docs/messaging.md).
 */
import { Client } from 'pg';
import { pgClientConfig, quoteIdentifier } from '@marketbill/platform';
import { TOPICS } from '@marketbill/schemas';
import { avroTypeOf, schemaFingerprint } from '../codec';
import type { OutboxRow } from '../relay';
import { findStackEnv, readDatabaseCliEnv } from './config';

interface Args {
  schema: string;
  failed: boolean;
  max: number;
}

const USAGE = 'usage: mb-outbox <service schema> [--failed] [--max N]   (schemas: auction_ingest, catalog, ordering, billing, notifier)';

function parseArgs(argv: string[]): Args {
  const args: Args = { schema: '', failed: false, max: 100 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--failed') args.failed = true;
    else if (a === '--max') args.max = Number(argv[++i]);
    else if (!a.startsWith('-') && !args.schema) args.schema = a;
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (!args.schema) throw new Error(USAGE);
  if (!(Number.isInteger(args.max) && args.max > 0)) throw new Error('--max needs a positive whole number');
  return args;
}

/** A row of `outbox`, or of `outbox_failed` with its reason. */
interface Row extends OutboxRow {
  created_at: Date;
  reason?: string;
  failed_at?: Date;
}

/** The event of a row: its body in the schema that wrote it (the catalogue's, or one recorded in outbox_schema), or the JSON form. */
function eventOf(row: Row, recorded: Map<string, string>): { form: 'avro' | 'json'; event?: unknown; error?: string } {
  if (row.body === null || row.schema_fingerprint === null) return { form: 'json', event: row.payload };
  const fingerprint = row.schema_fingerprint.toString('hex');
  const spec = Object.prototype.hasOwnProperty.call(TOPICS, row.topic) ? TOPICS[row.topic as keyof typeof TOPICS] : undefined;
  const schema = spec && schemaFingerprint(spec).toString('hex') === fingerprint ? spec.schema : recorded.get(fingerprint);
  if (schema === undefined) return { form: 'avro', error: `written with a schema (fingerprint ${fingerprint}) that is neither this build's ${row.topic} nor recorded in outbox_schema` };
  try {
    return { form: 'avro', event: avroTypeOf({ schema }).fromBuffer(row.body) };
  } catch (error) {
    return { form: 'avro', error: `the body does not decode: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const { databaseUrl } = readDatabaseCliEnv(findStackEnv());
  const client = new Client(pgClientConfig(databaseUrl, 'mb-outbox'));
  await client.connect();
  try {
    const s = quoteIdentifier(args.schema);
    const { rows: tables } = await client.query<{ name: string | null }>(`select to_regclass($1) as name`, [`${s}.outbox_schema`]);
    if (!tables[0]?.name) throw new Error(`no outbox tables in schema ${args.schema}: is the name right, has the service migrated, and may this database user read it?\n${USAGE}`);
    const { rows: recordedRows } = await client.query<{ fingerprint: Buffer; schema: string }>(`select fingerprint, schema from ${s}.outbox_schema`);
    const recorded = new Map(recordedRows.map((r) => [r.fingerprint.toString('hex'), r.schema]));
    const { rows } = await client.query<Row>(
      args.failed
        ? `select id, event_id, topic, message_key, body, schema_fingerprint, payload, headers, created_at, reason, failed_at from ${s}.outbox_failed order by id limit $1`
        : `select id, event_id, topic, message_key, body, schema_fingerprint, payload, headers, created_at from ${s}.outbox order by id limit $1`,
      [args.max],
    );
    for (const row of rows) {
      const line = {
        id: Number(row.id),
        eventId: row.event_id,
        topic: row.topic,
        key: row.message_key,
        createdAt: row.created_at.toISOString(),
        ...(args.failed ? { failedAt: row.failed_at?.toISOString(), reason: row.reason } : {}),
        traceparent: row.headers?.traceparent ?? null,
        ...eventOf(row, recorded),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
    return 0;
  } finally {
    await client.end();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    process.stderr.write(`mb-outbox: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
