/** What a {@link createBoundedMemo} remembers, and how to ask it. */
export interface BoundedMemo<K, V> {
  /** The value for `key`: the remembered one, or `compute(key)` now (remembered unless it throws). */
  get(key: K): V;
  /** How many values are remembered: never more than the memo's limit. */
  readonly size: number;
}

/**
 * Remembers what `compute` answers for each key, at most `limit` answers: for values that are a
 * pure function of their key and asked for again and again, in a process that runs for months (the
 * UUIDs auction-ingest derives from names, the search forms the catalog derives from them: the
 * same few thousand names on every row of every day's prices).
 *
 * When a new key would make `limit + 1` entries, every entry is forgotten and the memo starts again.
 * The limit is meant to sit far above the working set (tens of thousands for a few thousand
 * names), so that happens rarely and costs one recomputation of each key still in use; memory
 * stays bounded by `limit` whatever keys arrive. An LRU would keep the working set through a
 * clear, but pays bookkeeping on every hit — the hit is the hot path these memos exist for.
 *
 * Keys are compared as `Map` keys (by value for strings and numbers). A `compute` that throws
 * leaves nothing behind: the next `get` of that key computes again.
 */
export function createBoundedMemo<K, V>(limit: number, compute: (key: K) => V): BoundedMemo<K, V> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`a memo's limit must be a positive integer, not ${limit}`);
  const values = new Map<K, V>();
  return {
    get(key) {
      let value = values.get(key);
      // The `has` only for an undefined value: a remembered `undefined` is still a hit.
      if (value === undefined && !values.has(key)) {
        value = compute(key);
        if (values.size >= limit) values.clear();
        values.set(key, value);
      }
      return value as V;
    },
    get size() {
      return values.size;
    },
  };
}
