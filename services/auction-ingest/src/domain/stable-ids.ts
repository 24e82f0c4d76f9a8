import { hash } from 'node:crypto';
import { createBoundedMemo } from '@marketbill/platform';
import type { AuctionCategory } from '@marketbill/schemas';

/**
 * Namespace of every UUID v5 MarketBill derives from auction names. Fixed forever: catalog and
 * ordering key items and varieties by these ids, so changing it would orphan all their data.
 */
export const AUCTION_ID_NAMESPACE = '5e421eb8-9c1d-4932-b0ec-bad87281f65f';

// The namespace's 16 bytes, parsed once per namespace (a backfill derives one id per event).
const namespaceBytes = createBoundedMemo(16, (namespace: string): Buffer => {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16 || !/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(namespace)) throw new RangeError(`not a UUID: ${namespace}`);
  return ns;
});

// Namespace + name are hashed from one reused buffer with the one-shot `crypto.hash` (no Hash
// object per call): a third of the cost of createHash().update().update().digest().
const scratch = Buffer.allocUnsafe(2_048);
const HEX = '0123456789abcdef';

/** RFC 9562 UUID version 5 (SHA-1 of namespace bytes + UTF-8 name). */
export function uuidV5(name: string, namespace: string = AUCTION_ID_NAMESPACE): string {
  const ns = namespaceBytes.get(namespace);
  let input: Buffer;
  if (16 + name.length * 3 <= scratch.length) {
    ns.copy(scratch, 0);
    input = scratch.subarray(0, 16 + scratch.write(name, 16, 'utf8'));
  } else {
    input = Buffer.concat([ns, Buffer.from(name, 'utf8')]);
  }
  const h = hash('sha1', input, 'hex');
  // Version 5 in the high nibble of byte 6, the RFC 9562 variant (10xx) in the high bits of byte 8.
  const variant = HEX[(parseInt(h[16] as string, 16) & 0x3) | 0x8] as string;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The item identity `<category>|<item>` (category as its Avro symbol, e.g. `CUT_FLOWER|장미`). */
export function itemKey(category: AuctionCategory, item: string): string {
  return `${category}|${item}`;
}

/** The variety identity `<category>|<item>|<variety>`: also the Kafka key of its price events. */
export function varietyKey(category: AuctionCategory, item: string, variety: string): string {
  return `${category}|${item}|${variety}`;
}

// Item and variety ids repeat on every row of every day: remembering them saves two SHA-1 per
// event in a backfill. Bounded, so a long-running process cannot grow it without limit.
const ids = createBoundedMemo(50_000, (name: string) => uuidV5(name));

export function itemIdOf(category: AuctionCategory, item: string): string {
  return ids.get(itemKey(category, item));
}

export function varietyIdOf(category: AuctionCategory, item: string, variety: string): string {
  return ids.get(varietyKey(category, item, variety));
}
