import type { Orm } from '@marketbill/platform';
import type { WarmUp } from '@marketbill/runtime';
import { sampleSearchNames } from '../../use-cases/sample-search-names';
import { chosungOf } from '../../domain/search-text';

/**
 * The catalog's warm-up (see `WarmUp` of @marketbill/runtime): `requests` keyword searches through
 * its own internal API before it reports ready, in the mix the edge sends — parts of variety names,
 * whole item names, 초성, and a keyword with a buyable window and a price sort — over names taken
 * from its own tables (none yet: the same shapes with fixed words). Measured (bench/catalog): a
 * process's first ≈ 4,000 searches cost ≈ 20 % more CPU and had twice the settled p99; after
 * 4,000 warm-up requests its first trial was as fast as later ones. Reads only.
 */
export function searchWarmUp(orm: Orm, requests: number): WarmUp {
  return async (send, signal) => {
    const names = await sampleSearchNames(orm.em.fork(), 200);
    const paths = warmUpSearches(names.length > 0 ? names : [{ item: '장미', name: '레드 나오미' }], new Date());
    for (let i = 0; i < requests; i++) {
      signal.throwIfAborted();
      await send(paths[i % paths.length] as string);
    }
  };
}

/** The request paths of a warm-up, from (item, variety) names; deterministic for given names. */
export function warmUpSearches(names: ReadonlyArray<{ item: string; name: string }>, today: Date): string[] {
  const to = today.toISOString().slice(0, 10);
  const from = new Date(today.getTime() - 6 * 86_400_000).toISOString().slice(0, 10);
  const paths: string[] = [];
  for (const [i, { item, name }] of names.entries()) {
    const chars = [...name];
    const start = i % Math.max(1, chars.length - 1);
    const part = chars.slice(start, start + 2 + (i % 2)).join('');
    const search = (q: string, extra = '') => `/internal/v1/varieties?q=${encodeURIComponent(q)}&size=20${extra}`;
    const itemName = [...item].slice(0, 20).join(''); // keywords are at most 50 characters
    paths.push(search(part), search(itemName), search(chosungOf(chars.slice(0, 2 + (i % 2)).join(''))), search(part, `&buyableFrom=${from}&buyableTo=${to}&sort=-latestAvgPrice`));
  }
  return paths;
}
