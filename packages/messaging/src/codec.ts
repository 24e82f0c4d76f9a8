import { AppError, UnavailableError } from '@marketbill/platform';
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

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/**
 * Avro `long` as an exact integer. avsc's own long type encodes and decodes with floating-point
 * arithmetic past 2^30 and accepts only |n| ≤ 2^53 − 2; money travels in longs, so ours converts
 * through BigInt (the 8-byte two's-complement form avsc hands an abstract long): every safe integer
 * round-trips exactly, and a value a JavaScript number cannot hold exactly is refused — invalid when
 * encoding, undecodable when read — never rounded.
 */
const exactLong = types.LongType.__with({
  fromBuffer(buf: Buffer): number {
    const value = buf.readBigInt64LE(0);
    if (value > MAX_SAFE || value < MIN_SAFE) throw new RangeError(`long ${value} cannot be held exactly`);
    return Number(value);
  },
  toBuffer(value: number): Buffer {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(value));
    return buf;
  },
  fromJSON: (value: unknown) => Number(value),
  toJSON: (value: number) => value,
  isValid: (value: unknown) => Number.isSafeInteger(value),
  compare: (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1),
});

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

export function createEventCodec<E = AnyEvents>(registry: RegistryClient, naming: TopicNaming<E>): EventCodec<E> {
  const ids = new Map<string, Promise<number>>();
  const typeOf = (topic: string): Type => avroTypeOf(naming.spec(topic));
  // Reading needs the writer's schema (by id, from the registry) resolved into ours; both are cached
  // so a message costs one Avro decode, not a schema parse.
  const readers = new Map<string, Promise<((body: Buffer) => unknown)>>();

  function idOf(topic: TopicOf<E>): Promise<number> {
    let id = ids.get(topic);
    if (!id) {
      id = registry.register(naming.subject(topic), naming.spec(topic).schema);
      // A failed registration (registry down) must be tried again next time, not cached.
      id.catch(() => ids.delete(topic));
      ids.set(topic, id);
    }
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
      const paths: string[] = [];
      if (!typeOf(topic).isValid(event, { errorHook: (path) => paths.push(path.join('.')) })) {
        throw InvalidEventError.forTopic(topic, paths);
      }
    },
    async encode(topic, event) {
      codec.assertValid(topic, event);
      const id = await idOf(topic);
      const body = typeOf(topic).toBuffer(event);
      const header = Buffer.allocUnsafe(HEADER_BYTES);
      header.writeUInt8(MAGIC, 0);
      header.writeInt32BE(id, 1);
      return Buffer.concat([header, body]);
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
