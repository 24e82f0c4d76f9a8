import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Type, types } from 'avsc';
import { TOPICS, type OrderPlaced } from '@marketbill/schemas';
import { avroTypeOf, encodeBodies, encodeBody, schemaFingerprint } from './codec';

const example = (): OrderPlaced => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'examples', 'order.placed.json'), 'utf8')) as OrderPlaced;

/** A producer in another language: its longs are 64-bit (here BigInt), so it can write 2^53 + 1. */
const bigLong = types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(0),
  toBuffer: (value: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(value);
    return buf;
  },
  fromJSON: (value: unknown) => BigInt(value as bigint),
  toJSON: (value: bigint) => Number(value),
  isValid: (value: unknown) => typeof value === 'bigint' || Number.isSafeInteger(value),
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

describe('Avro longs in the event codec', () => {
  it('When a long is any safe integer, then it round-trips exactly (avsc alone refuses 2^53 − 1)', () => {
    const event = example();
    event.order.total = Number.MAX_SAFE_INTEGER;
    event.occurredAt = 1_764_086_400_123;
    const type = avroTypeOf(TOPICS['order.placed']);
    const back = type.fromBuffer(type.toBuffer(event)) as OrderPlaced;
    expect(back.order.total).toBe(Number.MAX_SAFE_INTEGER);
    expect(back.occurredAt).toBe(1_764_086_400_123);
    expect(Type.forSchema(JSON.parse(TOPICS['order.placed'].schema)).isValid(event)).toBe(false);
  });

  it('When a value is not exactly representable, then encoding refuses it and decoding fails instead of rounding', () => {
    const event = example();
    event.order.total = 2 ** 53;
    expect(avroTypeOf(TOPICS['order.placed']).isValid(event)).toBe(false);
    // The same event written by a producer whose longs are 64-bit: the codec refuses to round it.
    const foreign = Type.forSchema(JSON.parse(TOPICS['order.placed'].schema), { registry: { long: bigLong } });
    const written = foreign.toBuffer({ ...event, order: { ...event.order, total: 2n ** 53n + 1n } });
    expect(() => avroTypeOf(TOPICS['order.placed']).fromBuffer(written)).toThrow(/cannot be held exactly/);
  });

  it('When longs of every size are written, then the bytes are the standard Avro zigzag varint and read back exactly', () => {
    // A record of one long: its body is exactly that long's encoding.
    const schema = '{"type":"record","name":"OneLong","fields":[{"name":"v","type":"long"}]}';
    const record = avroTypeOf({ schema });
    const ours = { toBuffer: (v: number) => record.toBuffer({ v }), fromBuffer: (b: Buffer) => (record.fromBuffer(b) as { v: number }).v };
    const foreign = Type.forSchema('long', { registry: { long: bigLong } });
    const plain = Type.forSchema('long');
    const values = [0, 1, -1, 63, -64, 64, 127, 128, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), 2 ** 31, 1_764_086_400_123, -1_764_086_400_123, 2 ** 48 - 1, 2 ** 48, -(2 ** 48), -(2 ** 48) - 1, 2 ** 52 + 7, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    for (const value of values) {
      const bytes = ours.toBuffer(value);
      // The reference: a 64-bit producer's encoding, and avsc's own where its arithmetic is exact.
      expect(bytes.equals(foreign.toBuffer(BigInt(value)))).toBe(true);
      if (Math.abs(value) < 2 ** 48) expect(bytes.equals(plain.toBuffer(value))).toBe(true);
      expect(ours.fromBuffer(bytes)).toBe(value);
    }
    expect(() => ours.fromBuffer(foreign.toBuffer(-(2n ** 53n) - 1n))).toThrow(/cannot be held exactly/);
    expect(() => ours.toBuffer(2 ** 53)).toThrow();
  });

  it('When strings of any length and script are written, then each is its UTF-8 bytes after its length', () => {
    const schema = '{"type":"record","name":"OneString","fields":[{"name":"s","type":"string"}]}';
    const record = avroTypeOf({ schema });
    const long = Type.forSchema('long');
    for (const s of ['', 'PICKUP', '장미', '레드나오미 3', '새벽 배송 전에 물올림 부탁드립니다', '꽃'.repeat(40), 'rose 🌹 장미', 'x'.repeat(200)]) {
      const bytes = record.toBuffer({ s });
      const utf8 = Buffer.from(s, 'utf8');
      // Avro's string: the byte length as a zigzag varint, then the UTF-8 bytes.
      expect(bytes.equals(Buffer.concat([long.toBuffer(utf8.length), utf8]))).toBe(true);
      expect((record.fromBuffer(bytes) as { s: string }).s).toBe(s);
    }
  });
});

describe('outbox bodies', () => {
  it('When events are encoded together for publishMany, then the buffer holds exactly each event’s own body, in order, also when one outgrows the scratch buffer', () => {
    const spec = TOPICS['order.placed'];
    const small = example();
    const large = example();
    // About 300 KB of memo: larger than the encoder's 64 KB scratch buffer, in the middle of the chunk.
    large.order.memo = '새벽 배송 '.repeat(20_000);
    const third = example();
    third.order.orderNumber = '261125-000003';
    const events = [small, large, third];
    const { bytes, lengths } = encodeBodies('order.placed', spec, events);
    expect(lengths).toEqual(events.map((e) => encodeBody('order.placed', spec, e).length));
    let start = 0;
    for (const [i, event] of events.entries()) {
      const body = bytes.subarray(start, start + lengths[i]!);
      expect(body.equals(encodeBody('order.placed', spec, event))).toBe(true);
      expect(avroTypeOf(spec).fromBuffer(body)).toEqual(avroTypeOf(spec).fromBuffer(avroTypeOf(spec).toBuffer(event)));
      start += lengths[i]!;
    }
    expect(start).toBe(bytes.length);
  });

  it('When one event of a chunk does not match its schema, then encoding the chunk is refused with invalid-event, naming the field', () => {
    const broken = { ...example(), occurredAt: 'yesterday' } as unknown as OrderPlaced;
    expect(() => encodeBodies('order.placed', TOPICS['order.placed'], [example(), broken])).toThrow(expect.objectContaining({ code: 'invalid-event', details: { topic: 'order.placed', paths: ['occurredAt'] } }));
  });

  it('When schemas differ only in docs or defaults, then they share a fingerprint; another field gives another', () => {
    const schema = JSON.parse(TOPICS['order.placed'].schema) as { doc?: string; fields: unknown[] };
    const documented = { schema: JSON.stringify({ ...schema, doc: 'another wording' }) };
    const widened = { schema: JSON.stringify({ ...schema, fields: [...schema.fields, { name: 'extra', type: 'int', default: 0 }] }) };
    expect(schemaFingerprint(documented).equals(schemaFingerprint(TOPICS['order.placed']))).toBe(true);
    expect(schemaFingerprint(widened).equals(schemaFingerprint(TOPICS['order.placed']))).toBe(false);
    expect(schemaFingerprint(TOPICS['order.placed'])).toHaveLength(32);
  });
});
