import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Type, types } from 'avsc';
import { TOPICS, type OrderPlaced } from '@marketbill/schemas';
import { avroTypeOf } from './codec';

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
});
