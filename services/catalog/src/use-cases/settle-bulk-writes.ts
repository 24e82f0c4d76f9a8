import type { EntityManager } from '@mikro-orm/core';
import { settleTable, tableWrites, type TableWrites, type UpkeptTable } from '../data-access/table-upkeep-repository';

/**
 * After a bulk write — a backfill or catch-up through the consumer, an import, a restore — the
 * catalog settles what was written before searches pay for it, instead of waiting for autovacuum
 * (up to a minute later, and its thresholds grow with the table):
 * - `variety`, the table every search reads: vacuum and analyze once many of its rows changed.
 *   Every summary update leaves a dead row version that searches visit until a vacuum (each one
 *   doubles the heap visits of a search: 1.5 vs 0.8 ms measured on 6,000 varieties) and, with
 *   fastupdate, index entries to merge (see migration 0002);
 * - `price_point`, the history: vacuum and analyze once a tenth of it was inserted since its last
 *   vacuum (an import: the visibility map set and the new rows' hint bits written once, by this
 *   step, instead of by the first readers and an autovacuum that arrives in the middle of the
 *   traffic), analyze alone once a tenth of it changed otherwise (the planner's row counts).
 * "Once the write is over": a table is settled when its counters have not moved since the last
 * look (so a running backfill is not vacuumed after every chunk), or at once when the unsettled
 * rows already outnumber the live ones.
 */
/** Postgres' counters of the search tables, as one look read them. */
export type SettleCounters = Partial<Record<UpkeptTable, TableWrites>>;

export interface SettleThresholds {
  /** Fewest changed variety rows worth a vacuum (default 500), and share of the live rows (default 5 %). */
  varietyRows: number;
  varietyShare: number;
  /** Fewest new (vacuum) or changed (analyze) price points worth settling (default 10,000), and share (default 10 %). */
  pricePointRows: number;
  pricePointShare: number;
}

export const DEFAULT_SETTLE_THRESHOLDS: SettleThresholds = { varietyRows: 500, varietyShare: 0.05, pricePointRows: 10_000, pricePointShare: 0.1 };

export interface SettleDecision {
  table: UpkeptTable;
  how: 'vacuum' | 'analyze';
  /** The rows that made it due. */
  rows: number;
}

/** What is due now, from the counters now and at the previous look (none at the first). */
export function dueSettling(
  now: Partial<Record<UpkeptTable, TableWrites>>,
  before: Partial<Record<UpkeptTable, TableWrites>> | undefined,
  thresholds: SettleThresholds = DEFAULT_SETTLE_THRESHOLDS,
): SettleDecision[] {
  const due: SettleDecision[] = [];
  const quiet = (table: UpkeptTable) => before === undefined || before[table]?.written === now[table]?.written;
  const variety = now.variety;
  if (variety) {
    const rows = variety.dead + variety.insertedSinceVacuum;
    if (rows >= Math.max(thresholds.varietyRows, thresholds.varietyShare * variety.live) && (quiet('variety') || rows >= variety.live)) due.push({ table: 'variety', how: 'vacuum', rows });
  }
  const points = now.price_point;
  if (points && quiet('price_point')) {
    const enough = (rows: number) => rows >= Math.max(thresholds.pricePointRows, thresholds.pricePointShare * points.live);
    if (enough(points.insertedSinceVacuum)) due.push({ table: 'price_point', how: 'vacuum', rows: points.insertedSinceVacuum });
    else if (enough(points.modifiedSinceAnalyze)) due.push({ table: 'price_point', how: 'analyze', rows: points.modifiedSinceAnalyze });
  }
  return due;
}

/**
 * One look: settles what is due and answers the counters to compare with at the next look (read
 * again after settling, so what the settling itself did is not taken for a new write).
 */
export async function settleBulkWrites(
  em: EntityManager,
  before: Partial<Record<UpkeptTable, TableWrites>> | undefined,
  thresholds: SettleThresholds = DEFAULT_SETTLE_THRESHOLDS,
): Promise<{ settled: SettleDecision[]; counters: Partial<Record<UpkeptTable, TableWrites>> }> {
  const now = await tableWrites(em);
  const settled = dueSettling(now, before, thresholds);
  for (const s of settled) await settleTable(em, s.table, s.how);
  return { settled, counters: settled.length > 0 ? await tableWrites(em) : now };
}
