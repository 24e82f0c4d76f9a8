import { describe, expect, it } from '@jest/globals';
import { pagesAtTiedBoundaries, reconcilePages } from './reconcile-pages';

const row = (variety: string, totQty: string, over: Record<string, string> = {}) => ({
  saleDate: '2026-11-24', flowerGubn: '절화', pumName: '장미', goodName: variety, lvNm: '특1', maxAmt: '9000', minAmt: '5000', avgAmt: '7000', totAmt: '70000', totQty, ...over,
});

describe('reconcilePages', () => {
  it('When a row comes on two pages, then it is kept once and its quantity is not added up', () => {
    const { items, repeated, changedRepeats } = reconcilePages([
      [row('a', '30'), row('b', '20')],
      [row('b', '20'), row('c', '10')],
    ]);
    expect(items.map((i) => i.goodName)).toEqual(['a', 'b', 'c']);
    expect(items.find((i) => i.goodName === 'b')?.totQty).toBe('20');
    expect({ repeated, changedRepeats }).toEqual({ repeated: 1, changedRepeats: 0 });
  });

  it('When a repeated row has other figures on the later page, then the later copy is kept and counted as changed', () => {
    const { items, changedRepeats } = reconcilePages([[row('a', '30')], [row('a', '31', { totAmt: '71000' })]]);
    expect(items).toEqual([row('a', '31', { totAmt: '71000' })]);
    expect(changedRepeats).toBe(1);
  });

  it('When two rows differ only in the grade, then both are kept', () => {
    expect(reconcilePages([[row('a', '30'), row('a', '30', { lvNm: '특2' })]]).items).toHaveLength(2);
  });
});

describe('pagesAtTiedBoundaries', () => {
  it('When the quantity at a page boundary is the same on both sides, then both pages are suspect', () => {
    expect(pagesAtTiedBoundaries([[row('a', '30'), row('b', '20')], [row('c', '20')], [row('d', '5')]])).toEqual([1, 2]);
    expect(pagesAtTiedBoundaries([[row('a', '30')], [row('b', '20')]])).toEqual([]);
  });
});
