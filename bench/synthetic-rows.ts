// The synthetic market's rows of one auction day and category as the aT server answers them: the
// generator (services/auction-ingest, domain/synthetic-auction) yields sales lots, and the server
// groups them by (item, variety, grade) — max of the maxima, min of the minima, summed amount and
// quantity, average = round(amount / quantity). Benches that seed tables directly (no Kafka, no
// HTTP) use this instead of running the aT server model for every day. The lot's type is the
// generator's own (a type-only import: Node strips it, nothing of the service is loaded from src/).
import type { SyntheticLot } from '../services/auction-ingest/src/domain/synthetic-auction.ts';

export interface DayRow {
  pumName: string;
  goodName: string;
  lvNm: string;
  minAmt: number;
  avgAmt: number;
  maxAmt: number;
  totAmt: number;
  totQty: number;
}

export function groupedDayRows(lots: readonly SyntheticLot[]): DayRow[] {
  const groups = new Map<string, DayRow>();
  for (const lot of lots) {
    const key = `${lot.pumName}\u0000${lot.goodName}\u0000${lot.lvNm}`;
    const row = groups.get(key);
    if (!row) {
      groups.set(key, { pumName: lot.pumName, goodName: lot.goodName, lvNm: lot.lvNm, minAmt: lot.minAmt, avgAmt: 0, maxAmt: lot.maxAmt, totAmt: lot.totAmt, totQty: lot.totQty });
      continue;
    }
    row.minAmt = Math.min(row.minAmt, lot.minAmt);
    row.maxAmt = Math.max(row.maxAmt, lot.maxAmt);
    row.totAmt += lot.totAmt;
    row.totQty += lot.totQty;
  }
  const rows = [...groups.values()];
  for (const row of rows) row.avgAmt = Math.round(row.totAmt / row.totQty);
  return rows;
}
