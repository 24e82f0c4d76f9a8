import { describe, expect, it } from '@jest/globals';
import type { TableWrites } from '../data-access/table-upkeep-repository';
import { dueSettling } from './settle-bulk-writes';

const counters = (c: Partial<TableWrites>): TableWrites => ({ live: 6_000, dead: 0, insertedSinceVacuum: 0, modifiedSinceAnalyze: 0, written: 0, ...c });

describe('dueSettling', () => {
  it('vacuums the varieties once a bulk write is over, not while it runs', () => {
    const during = { variety: counters({ dead: 3_000, written: 9_000 }) };
    expect(dueSettling(during, { variety: counters({ dead: 1_000, written: 7_000 }) })).toEqual([]);
    expect(dueSettling(during, during)).toEqual([{ table: 'variety', how: 'vacuum', rows: 3_000 }]);
  });

  it('settles what it finds at its first look (the writer may have finished before the process started)', () => {
    expect(dueSettling({ variety: counters({ live: 0, insertedSinceVacuum: 6_000, written: 6_000 }) }, undefined)).toEqual([{ table: 'variety', how: 'vacuum', rows: 6_000 }]);
  });

  it('does not wait for the end when the unsettled rows outnumber the live ones', () => {
    const now = { variety: counters({ dead: 6_500, written: 20_000 }) };
    expect(dueSettling(now, { variety: counters({ written: 10_000 }) })).toEqual([{ table: 'variety', how: 'vacuum', rows: 6_500 }]);
  });

  it('leaves small changes to autovacuum: fewer than 500 rows or 5 % of the table', () => {
    expect(dueSettling({ variety: counters({ dead: 299 }) }, undefined)).toEqual([]);
    expect(dueSettling({ variety: counters({ live: 100_000, dead: 4_000 }) }, undefined)).toEqual([]);
  });

  it('vacuums the price history after an import of a tenth of it, analyzes it after other changes', () => {
    const imported = counters({ live: 1_000_000, insertedSinceVacuum: 150_000, modifiedSinceAnalyze: 150_000, written: 1_150_000 });
    expect(dueSettling({ price_point: imported }, { price_point: { ...imported, written: 1_100_000 } })).toEqual([]);
    expect(dueSettling({ price_point: imported }, { price_point: imported })).toEqual([{ table: 'price_point', how: 'vacuum', rows: 150_000 }]);
    const corrected = { ...imported, insertedSinceVacuum: 2_000 };
    expect(dueSettling({ price_point: corrected }, undefined)).toEqual([{ table: 'price_point', how: 'analyze', rows: 150_000 }]);
    expect(dueSettling({ price_point: { ...corrected, modifiedSinceAnalyze: 50_000 } }, undefined)).toEqual([]);
  });
});
