import { describe, expect, it } from '@jest/globals';
import { varietiesQuery } from './catalog-api-schemas';
import { warmUpSearches } from './search-warm-up';

describe('the warm-up searches', () => {
  const names = [
    { item: '장미', name: '레드 나오미' },
    { item: '국화', name: '백' },
    { item: '아주 긴 이름의 품목 '.repeat(6), name: '핑크 플로이드 스프레이' },
  ];
  const paths = warmUpSearches(names, new Date('2026-12-03T04:00:00Z'));

  it('are the edge’s mix for each name: a part, the item, its 초성, and a part with a window and a price sort', () => {
    expect(paths).toHaveLength(4 * names.length);
    const queries = paths.map((p) => new URL(p, 'http://catalog').searchParams);
    expect(paths.every((p) => p.startsWith('/internal/v1/varieties?'))).toBe(true);
    expect(queries[0]?.get('q')).toBe('레드');
    expect(queries[1]?.get('q')).toBe('장미');
    expect(queries[2]?.get('q')).toBe('ㄹㄷ');
    expect(Object.fromEntries(queries[3] ?? [])).toEqual({ q: '레드', size: '20', buyableFrom: '2026-11-27', buyableTo: '2026-12-03', sort: '-latestAvgPrice' });
  });

  it('are all valid requests, also for one-letter and very long names', () => {
    for (const p of paths) {
      const query = Object.fromEntries(new URL(p, 'http://catalog').searchParams);
      expect(varietiesQuery.safeParse(query).success).toBe(true);
    }
  });
});
