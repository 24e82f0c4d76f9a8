import { describe, expect, it } from '@jest/globals';
import { paginate } from './render-statement-pdf';

describe('statement pagination', () => {
  it('When the lines and the closing block fit one page, then there is one page', () => {
    expect(paginate([20, 20, 20], 200, 100)).toEqual([[0, 1, 2]]);
    expect(paginate([], 200, 100)).toEqual([[]]);
  });

  it('When there are more lines, then pages fill up to their height and the last one keeps room for the closing block', () => {
    for (const n of [6, 10, 11, 200, 1_000]) {
      const heights = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 38 : 20));
      const pages = paginate(heights, 200, 120);
      expect(pages.flat()).toEqual(heights.map((_, i) => i));
      const sum = (p: number[]) => p.reduce((s, i) => s + (heights[i] as number), 0);
      expect(pages.slice(0, -1).every((p) => p.length > 0 && sum(p) <= 200)).toBe(true);
      const last = pages.at(-1) as number[];
      expect(last.length).toBeGreaterThan(0);
      expect(sum(last)).toBeLessThanOrEqual(120);
    }
  });

  it('When the lines fill the last page exactly but leave no room for the closing block, then the tail moves to a new last page', () => {
    const pages = paginate([50, 50, 50, 50], 200, 120);
    expect(pages).toEqual([[0, 1], [2, 3]]);
  });
});
