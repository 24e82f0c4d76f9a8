import { AppError, UnavailableError } from '@marketbill/platform';
import { createRequire } from 'node:module';
import { Type, types, type Schema } from 'avsc';
import { SchemaNotFoundError, type RegistryClient } from './registry';
import type { AnyEvents, TopicOf, TopicSpec } from './topic-catalog';
import type { TopicNaming } from './topic-naming';

/** An event does not match its topic's schema: a programmer error in the producing code. */
export class InvalidEventError extends AppError {
  static forTopic(topic: string, paths: string[]): InvalidEventError {
    return new InvalidEventError({
      code: 'invalid-event',
      message: `The ${topic} event does not match its schema at: ${paths.join(', ') || '(root)'}`,
      details: { topic, paths },
    });
  }
}

/**
 * A message's own bytes cannot be read: not our wire format, corrupt Avro, a schema id the
 * registry (answering normally) does not know, or a writer schema that cannot be resolved into
 * ours. The message is poison; a registry that does not answer is never reported this way.
 */
export class UndecodableMessageError extends AppError {
  static because(topic: string, cause: unknown, schemaId?: number): UndecodableMessageError {
    return new UndecodableMessageError({
      code: cause instanceof SchemaNotFoundError ? 'unknown-schema-id' : 'undecodable-message',
      message: `A message on ${topic}${schemaId === undefined ? '' : ` (schema id ${schemaId})`} could not be decoded: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
  }
}

/** Avro encoding of the topics of a catalogue (those of the naming it was built with); `E` types their events. */
export interface EventCodec<E = AnyEvents> {
  /** Throws {@link InvalidEventError} when `event` does not match the topic's schema. */
  assertValid<T extends TopicOf<E>>(topic: T, event: E[T]): void;
  /** Avro in the Confluent wire format (magic byte, schema id, body); registers the schema on first use. */
  encode<T extends TopicOf<E>>(topic: T, event: E[T]): Promise<Buffer>;
  /**
   * The wire format of an Avro body already written (the outbox's `body`): the header with the id
   * of the schema it was written with — the topic's own (registered on first use), or
   * `writerSchema` when the body was written by another version of the code (registered under the
   * topic's subject; the registry may refuse it as incompatible).
   */
  frame<T extends TopicOf<E>>(topic: T, body: Buffer, writerSchema?: string): Promise<Buffer>;
  /** Decodes with the writer's schema and resolves into the schema this code was built with. */
  decode<T extends TopicOf<E>>(topic: T, value: Buffer): Promise<E[T]>;
  /** Registers the schemas of these topics now (at start-up, so the first publish is not slower). */
  register(topics: Array<TopicOf<E>>): Promise<void>;
  /**
   * Fetches every registered writer schema of these topics' subjects and prepares their readers,
   * so messages already in Kafka decode while the registry is down. Returns how many it holds;
   * throws `UnavailableError` when the registry does not answer (the caller retries).
   */
  warm(topics: Array<TopicOf<E>>): Promise<number>;
}

/**
 * A codec seen without its event types: any topic by name, events as `unknown`. The relay and the
 * subscriber use this view; every `EventCodec<E>` is one (a structural copy, so TypeScript compares
 * members, not `E`).
 */
export type AnyEventCodec = { [K in keyof EventCodec]: EventCodec[K] };

/**
 * avsc 5.7.9 writes a string of up to 64 bytes with a JavaScript loop that runs once per *byte*
 * (`for (i = 0, l = len; …) s.charCodeAt(i)`, `len` being the UTF-8 length): a Korean string of
 * n characters takes 3n turns, the last 2n reading past its end and writing filler bytes that the
 * next field overwrites. The output is right but half of an event's encoding time went there
 * (bench/messaging: 13.9 → 7.5 µs per ~1 KB order event). Longer strings already go through
 * Node's native UTF-8 writer; this makes every string do so (`Buffer#write`) — the same bytes for any well-formed
 * string, and a lone surrogate becomes U+FFFD as in avsc's long-string path (its short-string
 * loop wrote CESU bytes that no UTF-8 reader accepts). `codec.test.ts` checks the bytes.
 */
interface AvscTap {
  buf: Buffer;
  pos: number;
  writeLong(n: number): void;
}
const { Tap } = createRequire(__filename)('avsc/lib/utils') as { Tap: { prototype: AvscTap & { writeString(s: string): void } } };
Tap.prototype.writeString = function writeString(this: AvscTap, s: string): void {
  const len = Buffer.byteLength(s);
  this.writeLong(len);
  const pos = this.pos;
  this.pos += len;
  if (this.pos > this.buf.length) return; // too small: avsc's callers grow the buffer and write again
  this.buf.write(s, pos, len, 'utf8');
};

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
/** Below this magnitude a zigzag value (< 2^49) and every partial sum stay exact in a double. */
const FLOAT_EXACT = 2 ** 48;
/** A varint of a long, written here and copied by avsc into its output at once (`writeFixed`). */
const longBytes = Buffer.alloc(10);

/** The zigzag varint of a safe integer (Avro's encoding of a long), as a view of `longBytes`. */
function longToVarint(value: number): Buffer {
  let i = 0;
  if (value > -FLOAT_EXACT && value < FLOAT_EXACT) {
    // Exact in doubles: 2|n| + 1 < 2^49, and % and the division by 128 of an integer stay exact.
    let z = value >= 0 ? value * 2 : -value * 2 - 1;
    while (z >= 128) {
      const low = z % 128;
      longBytes[i++] = low | 0x80;
      z = (z - low) / 128;
    }
    longBytes[i++] = z;
  } else {
    const n = BigInt(value);
    let z = n >= 0n ? n << 1n : ((-n) << 1n) - 1n;
    while (z >= 128n) {
      longBytes[i++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    longBytes[i++] = Number(z);
  }
  return longBytes.subarray(0, i);
}

/** A long from its zigzag varint bytes; a value a JavaScript number cannot hold exactly is refused. */
function varintToLong(buf: Buffer): number {
  if (buf.length <= 7) {
    // At most 49 bits: the sum is exact in a double.
    let z = 0;
    let scale = 1;
    for (let i = 0; i < buf.length; i++) {
      z += ((buf[i] as number) & 0x7f) * scale;
      scale *= 128;
    }
    return z % 2 === 1 ? -(z + 1) / 2 : z / 2;
  }
  let z = 0n;
  for (let i = buf.length - 1; i >= 0; i--) z = (z << 7n) | BigInt((buf[i] as number) & 0x7f);
  const value = z & 1n ? -((z + 1n) >> 1n) : z >> 1n;
  if (value > MAX_SAFE || value < MIN_SAFE) throw new RangeError(`long ${value} cannot be held exactly`);
  return Number(value);
}

/**
 * Avro `long` as an exact integer. avsc's own long type encodes and decodes with floating-point
 * arithmetic past 2^30 and accepts only |n| ≤ 2^53 − 2; money travels in longs, so ours keeps
 * every safe integer exact — it writes and reads the zigzag varint itself (avsc's `noUnpack` mode:
 * no 8-byte buffer, no BigInt below 2^48) — and refuses a value a JavaScript number cannot hold
 * exactly — invalid when encoding, undecodable when read — never rounds it.
 */
const exactLong = types.LongType.__with(
  {
    fromBuffer: varintToLong,
    toBuffer: longToVarint,
    fromJSON: (value: unknown) => Number(value),
    toJSON: (value: number) => value,
    isValid: (value: unknown) => Number.isSafeInteger(value),
    compare: (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1),
  },
  true,
);

/** Every `long` of a schema — named (`"long"`) or as an object with a logical type — is {@link exactLong}. */
function exactLongs(schema: Schema): Type | undefined {
  if (schema === 'long') return exactLong;
  if (typeof schema === 'object' && schema !== null && !Array.isArray(schema) && (schema as { type?: unknown }).type === 'long') return exactLong;
  return undefined;
}

// Parsed types by schema text: a memo, so each schema is parsed once per process.
const schemaTypes = new Map<string, Type>();

/** The avsc type of a topic's schema (parsed once per process), with exact longs. */
export function avroTypeOf(spec: Pick<TopicSpec, 'schema'>): Type {
  let type = schemaTypes.get(spec.schema);
  if (!type) {
    type = Type.forSchema(JSON.parse(spec.schema) as Schema, { typeHook: exactLongs });
    schemaTypes.set(spec.schema, type);
  }
  return type;
}

/** Confluent wire format: magic byte 0, then the schema id as a big-endian int32, then the Avro body. */
const MAGIC = 0;
const HEADER_BYTES = 5;
/** The encoder's scratch buffer, shared by every codec of the process (encoding is synchronous); grows for larger events. */
let scratch = Buffer.allocUnsafeSlow(64 * 1024);

/** Throws {@link InvalidEventError}, naming the paths at fault, when `event` does not match `type`. */
function assertMatches(topic: string, type: Type, event: unknown): void {
  const paths: string[] = [];
  if (!type.isValid(event, { errorHook: (path) => paths.push(path.join('.')) })) throw InvalidEventError.forTopic(topic, paths);
}

/**
 * Writes `event` in `topic`'s schema into the scratch buffer from `offset` and answers where it
 * ends: one avsc pass (its own `toBuffer` writes into a 1 KB buffer and writes the whole event a
 * second time when it is larger). avsc's writers check every value as they write (a wrong type, a
 * missing field, an unknown enum symbol or union branch, an inexact long all throw), so a separate
 * validation pass would only repeat that work; when the writer throws, the validation runs to name
 * the paths at fault.
 */
function writeEvent(topic: string, type: Type, event: unknown, offset: number): number {
  for (;;) {
    let end: number;
    try {
      end = type.encode(event, scratch, offset);
    } catch (error) {
      assertMatches(topic, type, event);
      throw new InvalidEventError({ code: 'invalid-event', message: `The ${topic} event could not be encoded: ${error instanceof Error ? error.message : String(error)}`, details: { topic, paths: [] }, cause: error });
    }
    if (end >= 0) return end;
    // Too small: avsc answers how many bytes were missing. What lies before `offset` is kept.
    const grown = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, scratch.length - end));
    scratch.copy(grown, 0, 0, offset);
    scratch = grown;
  }
}

/**
 * The Avro body of `event` in its topic's schema, without the wire format's header: what the
 * outbox stores. Needs no registry (the schema id is added by the relay, {@link EventCodec.frame}).
 *
 * @throws InvalidEventError when the event does not match the schema.
 */
export function encodeBody(topic: string, spec: Pick<TopicSpec, 'schema'>, event: unknown): Buffer {
  const end = writeEvent(topic, avroTypeOf(spec), event, 0);
  return Buffer.from(scratch.subarray(0, end));
}

/**
 * The Avro bodies of `events`, one after another in one buffer, and the length of each: what
 * `publishMany` sends as a single `bytea` parameter (pg sends a Buffer parameter as raw bytes;
 * an array of them goes as hex text, which Postgres then parses — twice the backend CPU per event).
 *
 * @throws InvalidEventError when an event does not match the schema.
 */
export function encodeBodies(topic: string, spec: Pick<TopicSpec, 'schema'>, events: readonly unknown[]): { bytes: Buffer; lengths: number[] } {
  const type = avroTypeOf(spec);
  const lengths: number[] = [];
  let end = 0;
  for (const event of events) {
    const next = writeEvent(topic, type, event, end);
    lengths.push(next - end);
    end = next;
  }
  return { bytes: Buffer.from(scratch.subarray(0, end)), lengths };
}

// Fingerprints by schema text: a memo, like the types.
const fingerprints = new Map<string, Buffer>();

/**
 * SHA-256 of the schema's Parsing Canonical Form (avsc's `fingerprint`): two schema texts that
 * write the same bytes (they differ only in docs, defaults or aliases) share it. Stored beside each
 * outbox body, so the relay knows which schema wrote it.
 */
export function schemaFingerprint(spec: Pick<TopicSpec, 'schema'>): Buffer {
  let fingerprint = fingerprints.get(spec.schema);
  if (!fingerprint) {
    fingerprint = avroTypeOf(spec).fingerprint('sha256');
    fingerprints.set(spec.schema, fingerprint);
  }
  return fingerprint;
}

export function createEventCodec<E = AnyEvents>(registry: RegistryClient, naming: TopicNaming<E>): EventCodec<E> {
  const typeOf = (topic: string): Type => avroTypeOf(naming.spec(topic));
  // Reading needs the writer's schema (by id, from the registry) resolved into ours; both are cached
  // so a message costs one Avro decode, not a schema parse.
  const readers = new Map<string, Promise<((body: Buffer) => unknown)>>();

  // Ids already answered, so encoding an event needs no promise of its own.
  const resolvedIds = new Map<string, number>();

  /** The wire format of one event in a single pass: the body straight after the header, one copy out. */
  function encodeFramed(topic: string, id: number, event: unknown): Buffer {
    const end = writeEvent(topic, typeOf(topic), event, HEADER_BYTES);
    scratch.writeUInt8(MAGIC, 0);
    scratch.writeInt32BE(id, 1);
    return Buffer.from(scratch.subarray(0, end));
  }

  // Registered ids by subject and schema text: the topic's own schema, and writer schemas of other
  // versions whose bodies the relay frames.
  const ids = new Map<string, Promise<number>>();

  /** The id of `schema` (by default the topic's own) under the topic's subject; registers it on first use. */
  function idOf(topic: TopicOf<E>, schema: string = naming.spec(topic).schema): Promise<number> {
    const key = `${naming.subject(topic)}\n${schema}`;
    let id = ids.get(key);
    if (!id) {
      id = registry.register(naming.subject(topic), schema);
      // A failed registration (registry down) must be tried again next time, not cached.
      id.catch(() => ids.delete(key));
      ids.set(key, id);
    }
    return id;
  }

  /** The id of the topic's own schema, without a promise once it is known. */
  async function ownId(topic: TopicOf<E>): Promise<number> {
    const id = resolvedIds.get(topic) ?? (await idOf(topic));
    resolvedIds.set(topic, id);
    return id;
  }

  // Writer schemas by id, as the registry serves them: ids are global, so one entry serves every
  // topic. Filled at start by warm() for the subscribed topics, and on first sight of an id.
  const writerTexts = new Map<number, Promise<string>>();

  function writerText(schemaId: number): Promise<string> {
    let text = writerTexts.get(schemaId);
    if (!text) {
      text = registry.schemaById(schemaId);
      // A registry that did not answer must be asked again next time, not remembered as a failure.
      text.catch(() => writerTexts.delete(schemaId));
      writerTexts.set(schemaId, text);
    }
    return text;
  }

  /**
   * Whether an id the registry said it does not know is really unknown: only when the registry
   * answers other reads normally. A registry that lost its storage, or a proxy in front of it,
   * could answer 404 for everything; then nothing is poison and the message waits.
   */
  async function confirmUnknown(topic: string, schemaId: number, error: unknown): Promise<never> {
    try {
      await registry.ping();
    } catch (pingError) {
      // Not answering normally (down, misconfigured, refusing our credentials): not the message's fault.
      throw pingError instanceof UnavailableError ? pingError : UnavailableError.dependency('schema-registry', pingError);
    }
    throw UndecodableMessageError.because(topic, error, schemaId);
  }

  function readerFor(topic: string, schemaId: number): Promise<(body: Buffer) => unknown> {
    const cacheKey = `${topic}:${schemaId}`;
    let reader = readers.get(cacheKey);
    if (!reader) {
      reader = (async () => {
        const ours = typeOf(topic);
        let writer: Type;
        let text: string;
        try {
          text = await writerText(schemaId);
        } catch (error) {
          if (error instanceof SchemaNotFoundError) return confirmUnknown(topic, schemaId, error);
          // Not answering, timing out, 5xx, refusing our credentials: the registry's fault (or its
          // configuration's), never the message's. The caller waits and tries again.
          throw error instanceof UnavailableError ? error : UnavailableError.dependency('schema-registry', error);
        }
        try {
          writer = Type.forSchema(JSON.parse(text));
        } catch (error) {
          throw UndecodableMessageError.because(topic, error, schemaId);
        }
        if (writer.equals(ours)) return (body: Buffer) => ours.fromBuffer(body);
        let resolver: ReturnType<Type['createResolver']>;
        try {
          resolver = ours.createResolver(writer);
        } catch (error) {
          // The writer's schema (which we could fetch) cannot be read as ours: the message is poison.
          throw UndecodableMessageError.because(topic, error, schemaId);
        }
        return (body: Buffer) => ours.fromBuffer(body, resolver);
      })();
      reader.catch(() => readers.delete(cacheKey));
      readers.set(cacheKey, reader);
    }
    return reader;
  }

  const codec: EventCodec<E> = {
    assertValid(topic, event) {
      assertMatches(topic, typeOf(topic), event);
    },
    async encode(topic, event) {
      return encodeFramed(topic, await ownId(topic), event);
    },
    async frame(topic, body, writerSchema) {
      const id = writerSchema === undefined ? await ownId(topic) : await idOf(topic, writerSchema);
      const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
      out.writeUInt8(MAGIC, 0);
      out.writeInt32BE(id, 1);
      body.copy(out, HEADER_BYTES);
      return out;
    },
    async decode(topic, value) {
      if (!Buffer.isBuffer(value) || value.length < HEADER_BYTES || value.readUInt8(0) !== MAGIC) {
        throw UndecodableMessageError.because(topic, new Error('not in the registry wire format'));
      }
      const read = await readerFor(topic, value.readInt32BE(1));
      try {
        return read(value.subarray(HEADER_BYTES)) as E[typeof topic];
      } catch (error) {
        throw UndecodableMessageError.because(topic, error);
      }
    },
    async register(topics) {
      await Promise.all(topics.map((t) => idOf(t)));
    },
    async warm(topics) {
      let count = 0;
      for (const topic of topics) {
        for (const { id, schema } of await registry.subjectSchemas(naming.subject(topic))) {
          writerTexts.set(id, Promise.resolve(schema));
          await readerFor(topic, id);
          count++;
        }
      }
      return count;
    },
  };
  return codec;
}
