import { describe, expect, it } from '@jest/globals';
import { paginate, ROWS_ON_LAST_PAGE, ROWS_PER_PAGE } from './render-statement-pdf';

describe('statement pagination', () => {
  it('When the lines fit the last page, then there is one page', () => {
    expect(paginate(Array.from({ length: ROWS_ON_LAST_PAGE }, (_, i) => i))).toHaveLength(1);
    expect(paginate([])).toEqual([[]]);
  });

  it('When there are more lines, then pages fill up and the last one keeps room for the closing block', () => {
    for (const n of [ROWS_ON_LAST_PAGE + 1, ROWS_PER_PAGE, ROWS_PER_PAGE + 1, 200, 1_000]) {
      const pages = paginate(Array.from({ length: n }, (_, i) => i));
      expect(pages.flat()).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(pages.slice(0, -1).every((p) => p.length > 0 && p.length <= ROWS_PER_PAGE)).toBe(true);
      const last = pages.at(-1) as number[];
      expect(last.length).toBeGreaterThan(0);
      expect(last.length).toBeLessThanOrEqual(ROWS_ON_LAST_PAGE);
    }
  });
});
