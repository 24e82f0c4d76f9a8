import { createHash } from 'node:crypto';
import type { AuctionCategory } from '@marketbill/schemas';

/**
 * Namespace of every UUID v5 MarketBill derives from auction names. Fixed forever: catalog and
 * ordering key items and varieties by these ids, so changing it would orphan all their data.
 */
export const AUCTION_ID_NAMESPACE = '5e421eb8-9c1d-4932-b0ec-bad87281f65f';

/** RFC 9562 UUID version 5 (SHA-1 of namespace bytes + UTF-8 name). */
export function uuidV5(name: string, namespace: string = AUCTION_ID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new RangeError(`not a UUID: ${namespace}`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
const memo = new Map<string, string>();
function memoised(name: string): string {
  let id = memo.get(name);
  if (!id) {
    if (memo.size >= 50_000) memo.clear();
    id = uuidV5(name);
    memo.set(name, id);
  }
  return id;
}

export function itemIdOf(category: AuctionCategory, item: string): string {
  return memoised(itemKey(category, item));
}

export function varietyIdOf(category: AuctionCategory, item: string, variety: string): string {
  return memoised(varietyKey(category, item, variety));
}
