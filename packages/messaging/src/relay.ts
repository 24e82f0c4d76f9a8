import type { Producer, Message } from 'kafkajs';
import { Client } from 'pg';
import { advisoryLockId, backoffDelay, pgClientConfig, sleep, type Logger, quoteIdentifier } from '@marketbill/platform';
import { InvalidEventError, schemaFingerprint, type AnyEventCodec } from './codec';
import { SchemaIncompatibleError } from './registry';
import { outboxChannel } from './migrations';
import type { AnyTopicNaming } from './topic-naming';
import { endSpan, startPublishSpan } from './tracing';

export interface OutboxRelayOptions {
  databaseUrl: string;
  /** The service's schema, whose `outbox` table this relay drains. */
  schema: string;
  producer: Producer;
  codec: AnyEventCodec;
  naming: AnyTopicNaming;
  logger: Logger;
  /** Rows per round trip (default 500). */
  batchSize?: number;
  /** Longest wait between polls when no NOTIFY arrives (default 1000 ms): a safety net only. */
  pollIntervalMs?: number;
  /**
   * Pause after a round that published less than a full batch, before the next read (default 20
   * ms): events committed meanwhile leave together, in fewer and larger rounds (Kafka's own
   * producer calls this `linger.ms`). A relay with nothing to do still wakes at once on the NOTIFY,
   * so the first event after a quiet spell is not delayed; under load, none waits more than this.
   */
  lingerMs?: number;
  /** How often a standby relay tries to become the active one (default 2000 ms). */
  standbyIntervalMs?: number;
  /** Name of this producing service, written to the `produced-by` header. */
  service: string;
}

/** What a round of the relay is doing: the step it waits on when the round takes long. */
export type RelayStep = 'reading the outbox' | 'encoding' | 'publishing to Kafka' | 'deleting published rows';

export interface RelayStatus {
  active: boolean;
  published: number;
  /** The error of the latest attempt while the relay fails (Kafka, the registry or the database down). */
  lastError?: string;
  /** When the current run of failures began. */
  failingSince?: Date;
  /**
   * The round in flight (read a batch, publish it, delete it), absent between rounds. A round takes
   * milliseconds; one that has run for seconds waits on a server that holds the connection but does
   * not answer (a frozen broker, a locked table), which raises no error until a time-out.
   */
  round?: { since: Date; step: RelayStep };
}

export interface OutboxRelay {
  start(): void;
  /** Stops after the batch in flight; resolves when the database session is closed. */
  stop(): Promise<void>;
  status(): RelayStatus;
  /** Resolves once the outbox is empty (tests and shutdown hooks). */
  drained(timeoutMs?: number): Promise<void>;
}

/** An `outbox` row as the relay reads it (pg's names and types). */
export interface OutboxRow {
  id: string;
  event_id: string;
  topic: string;
  message_key: string;
  /** The event as Avro in the schema of `schema_fingerprint`; null in a row of the earlier `payload` form. */
  body: Buffer | null;
  schema_fingerprint: Buffer | null;
  /** The event as JSON: rows written before the outbox held Avro, or by hand. */
  payload: unknown;
  headers: Record<string, string>;
}

/** An outbox body written with a schema no process of the service recorded in `outbox_schema`. */
class UnknownWriterSchemaError extends Error {}

/**
 * Publishes what the outbox holds, in id order, and deletes what Kafka acknowledged.
 *
 * - One active relay per schema: replicas compete for a session-level Postgres advisory lock, and
 *   only the holder publishes, so events of one aggregate leave in the order they were written.
 *   (Row ids are taken at insert; a transaction that touches the same aggregate waits for the
 *   earlier one's locks, so its outbox row gets a higher id.)
 * - Wakes on the NOTIFY the outbox trigger sends at commit, and polls as a safety net.
 * - A crash between Kafka's acknowledgement and the delete re-sends those events after a restart:
 *   delivery is at-least-once, and consumers drop the repeats by event id.
 * - Kafka or database failures are retried with backoff (capped at 3 s), forever: nothing is skipped. An event
 *   that cannot be encoded (its schema changed under it) is moved to `outbox_failed` with the reason.
 * - A row's `body` is already Avro: the relay adds the header with the id of the schema that wrote
 *   it. That is the topic's own schema unless another version of the service wrote the row (a
 *   rolling update): then the schema text comes from `outbox_schema`, where every relay records its
 *   catalogue's schemas when its session opens. A row in the earlier JSON form (`payload`) is
 *   encoded as before.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const log = options.logger.child({ component: 'outbox-relay', schema: options.schema });
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const lingerMs = options.lingerMs ?? 20;
  const standbyIntervalMs = options.standbyIntervalMs ?? 2_000;
  const lockId = advisoryLockId(`outbox-relay:${options.schema}`);
  const channel = outboxChannel(options.schema);
  const table = quoteIdentifier(options.schema);
  // Writer schemas read from outbox_schema, by fingerprint (hex).
  const writerSchemas = new Map<string, string>();

  let stopping = false;
  let loop: Promise<void> | undefined;
  /** The pause in progress: stop() ends it early, and so does wake() when it is 'by notify'. */
  let pausing: { end: () => void; interruptible: 'by notify' | 'by stop only' } | undefined;
  /** Ends a wait for work (a NOTIFY, a drained() caller); a linger runs on. */
  const wake = () => {
    if (pausing?.interruptible === 'by notify') pausing.end();
  };
  /**
   * A NOTIFY came since the current round began. Postgres delivers one that arrives while a query
   * runs right after the query's answer, before our code sees that answer: its row committed after
   * the round's read began, and no wait is there yet for it to end. Remembered, the wait after the
   * round ends at once instead of at the next poll.
   */
  let notified = false;
  let client: Client | undefined;
  const state: RelayStatus = { active: false, published: 0 };
  const drainWaiters: Array<() => void> = [];

  /** Sleeps `ms`, unless ended early (see `pausing`). */
  function pause(ms: number, interruptible: 'by notify' | 'by stop only'): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(end, ms);
      function end() {
        clearTimeout(timer);
        pausing = undefined;
        resolve();
      }
      pausing = { end, interruptible };
    });
  }
  function waitForWork(ms: number): Promise<void> {
    // Taken once: a standby (no rounds) must not spin on a flag left from its active days.
    if (notified) {
      notified = false;
      return Promise.resolve();
    }
    return pause(ms, 'by notify');
  }

  async function connect(): Promise<Client> {
    const c = new Client(pgClientConfig(options.databaseUrl, `${options.service}-outbox-relay`));
    c.on('error', (error) => log.warn({ err: error }, 'relay database session failed'));
    c.on('notification', () => {
      notified = true;
      wake();
    });
    await c.connect();
    try {
      await recordSchemas(c);
    } catch (error) {
      await c.end().catch(() => undefined);
      throw error;
    }
    return c;
  }

  /**
   * Records the schema of every topic of the catalogue by fingerprint, once per session: what lets a
   * relay of another version frame the bodies this version writes. A few rows, kept for good.
   */
  async function recordSchemas(c: Client): Promise<void> {
    const entries = Object.entries(options.naming.catalog);
    await c.query(
      `insert into ${table}.outbox_schema (fingerprint, topic, schema)
       select * from unnest($1::bytea[], $2::text[], $3::text[]) on conflict (fingerprint) do nothing`,
      [entries.map(([, spec]) => schemaFingerprint(spec)), entries.map(([topic]) => topic), entries.map(([, spec]) => spec.schema)],
    );
  }

  /** The wire format of a row's Avro body, with the id of the schema that wrote it. */
  async function frameBody(c: Client, row: OutboxRow & { body: Buffer; schema_fingerprint: Buffer }): Promise<Buffer> {
    if (row.schema_fingerprint.equals(schemaFingerprint(options.naming.spec(row.topic)))) return options.codec.frame(row.topic, row.body);
    const fingerprint = row.schema_fingerprint.toString('hex');
    let writerSchema = writerSchemas.get(fingerprint);
    if (writerSchema === undefined) {
      const { rows } = await c.query<{ schema: string }>(`select schema from ${table}.outbox_schema where fingerprint = $1`, [row.schema_fingerprint]);
      if (!rows[0]) throw new UnknownWriterSchemaError(`written with a schema (fingerprint ${fingerprint}) that no process of this service recorded in outbox_schema`);
      writerSchema = rows[0].schema;
      writerSchemas.set(fingerprint, writerSchema);
    }
    return options.codec.frame(row.topic, row.body, writerSchema);
  }

  async function becomeActive(c: Client): Promise<boolean> {
    const result = await c.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [lockId]);
    if (!result.rows[0]?.locked) return false;
    await c.query(`listen ${quoteIdentifier(channel)}`);
    return true;
  }

  async function publishBatch(c: Client): Promise<number> {
    const step = (name: RelayStep) => {
      if (state.round) state.round.step = name;
    };
    // Prepared once per relay session (its own connection, so the names are its own): it runs on every wake-up.
    const { rows } = await c.query<OutboxRow>({
      name: 'outbox-batch',
      text: `select id, event_id, topic, message_key, body, schema_fingerprint, payload, headers from ${table}.outbox order by id limit $1`,
      values: [batchSize],
    });
    if (rows.length === 0) return 0;
    step('encoding');

    const byTopic = new Map<string, Message[]>();
    const sent: string[] = [];
    const failed: Array<{ row: OutboxRow; reason: string }> = [];
    const spans = [];
    for (const row of rows) {
      const topic = row.topic;
      if (!options.naming.has(topic)) {
        failed.push({ row, reason: `unknown topic ${topic}` });
        continue;
      }
      let value: Buffer;
      try {
        value =
          row.body !== null && row.schema_fingerprint !== null
            ? await frameBody(c, row as OutboxRow & { body: Buffer; schema_fingerprint: Buffer })
            : await options.codec.encode(topic, row.payload);
      } catch (error) {
        // Set aside only what is wrong with the event itself (it no longer matches the schema, the
        // registry refuses the schema, or no one recorded the schema that wrote it); a registry that
        // is down or refuses our credentials is waited out like Kafka being down, with the events
        // kept in order in the outbox.
        if (error instanceof InvalidEventError || error instanceof SchemaIncompatibleError || error instanceof UnknownWriterSchemaError) {
          failed.push({ row, reason: error.message });
          continue;
        }
        throw error;
      }
      const physical = options.naming.topic(topic);
      const headers: Record<string, string> = {
        'event-id': row.event_id,
        'event-type': options.naming.spec(topic).recordName,
        'produced-by': options.service,
      };
      spans.push(startPublishSpan(physical, row.headers ?? {}, headers));
      const messages = byTopic.get(physical) ?? [];
      messages.push({ key: row.message_key, value, headers });
      byTopic.set(physical, messages);
      sent.push(row.id);
    }

    try {
      if (byTopic.size > 0) {
        step('publishing to Kafka');
        await options.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      }
      spans.forEach((span) => endSpan(span));
    } catch (error) {
      spans.forEach((span) => endSpan(span, error));
      throw error;
    }

    step('deleting published rows');
    const deleteSent = { name: 'outbox-delete', text: `delete from ${table}.outbox where id = any($1::bigint[])`, values: [rows.map((r) => r.id)] };
    if (failed.length === 0) {
      // The usual case: one statement, atomic by itself — no BEGIN and COMMIT round trips.
      await c.query(deleteSent);
      state.published += sent.length;
      return rows.length;
    }
    await c.query('begin');
    try {
      for (const { row, reason } of failed) {
        log.error({ eventId: row.event_id, topic: row.topic, reason }, 'outbox event set aside: it cannot be encoded');
        await c.query(
          `insert into ${table}.outbox_failed (id, event_id, topic, message_key, body, schema_fingerprint, payload, headers, created_at, reason)
           select id, event_id, topic, message_key, body, schema_fingerprint, payload, headers, created_at, $2 from ${table}.outbox where id = $1
           on conflict (id) do nothing`,
          [row.id, reason],
        );
      }
      await c.query(deleteSent);
      await c.query('commit');
    } catch (error) {
      await c.query('rollback').catch(() => undefined);
      throw error;
    }
    state.published += sent.length;
    return rows.length;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        client ??= await connect();
        if (!state.active) {
          state.active = await becomeActive(client);
          if (!state.active) {
            await waitForWork(standbyIntervalMs);
            continue;
          }
          log.info('outbox relay active');
        }
        notified = false; // what committed before this read, the read sees
        state.round = { since: new Date(), step: 'reading the outbox' };
        const count = await publishBatch(client).finally(() => delete state.round);
        if (failures > 0) log.info({ failures, failedForMs: state.failingSince ? Date.now() - state.failingSince.getTime() : undefined }, 'outbox relay publishing again');
        failures = 0;
        delete state.lastError;
        delete state.failingSince;
        if (count === 0) {
          drainWaiters.splice(0).forEach((resolve) => resolve());
          // Rows committed while the batch was in flight already sent their NOTIFY, which
          // resolves this wait at once; otherwise sleep until one arrives or the poll interval ends.
          await waitForWork(pollIntervalMs);
        } else if (count < batchSize && lingerMs > 0) {
          // A partial round: let what is being committed now gather for the next one. Each round
          // costs a read, a produce request and a delete whatever its size, and its events reach
          // consumers as larger chunks (bench/README.md, Messaging, session 13).
          await pause(lingerMs, 'by stop only');
        }
      } catch (error) {
        failures++;
        state.lastError = error instanceof Error ? error.message : String(error);
        state.failingSince ??= new Date();
        // Capped low: trying to reach a broker that is down costs little, and a short cap is what
        // lets the relay publish within seconds of Kafka (or the registry) coming back.
        const delay = backoffDelay(Math.min(failures, 8), 200, 3_000) + 100;
        log.warn({ err: error, failures, retryInMs: delay }, 'outbox relay failed; retrying');
        if (client && (error as { code?: string }).code !== undefined && /^(08|57P)/.test(String((error as { code?: string }).code))) {
          await resetClient();
        } else if (client && !(await isAlive(client))) {
          await resetClient();
        }
        await sleep(delay).catch(() => undefined);
      }
    }
  }

  async function isAlive(c: Client): Promise<boolean> {
    try {
      await c.query('select 1');
      return true;
    } catch {
      return false;
    }
  }

  async function resetClient(): Promise<void> {
    state.active = false;
    const c = client;
    client = undefined;
    await c?.end().catch(() => undefined);
  }

  return {
    start() {
      if (loop) return;
      stopping = false;
      loop = run();
    },
    async stop() {
      stopping = true;
      pausing?.end();
      await loop;
      loop = undefined;
      if (client && state.active) await client.query('select pg_advisory_unlock($1)', [lockId]).catch(() => undefined);
      await resetClient();
    },
    status: () => ({ ...state, ...(state.round ? { round: { ...state.round } } : {}) }),
    drained(timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`outbox not drained within ${timeoutMs} ms`)), timeoutMs);
        drainWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
        wake();
      });
    },
  };
}
