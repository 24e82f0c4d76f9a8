import { daysBetween } from '@marketbill/platform';
import { categoryOfSymbol } from '../domain/auction-category';
import type { Backfill, BackfillProgress } from '../data-access/backfill-repository';
import { failedBackfillPairs, succeededImports } from '../data-access/import-run-repository';
import type { ImportTask } from './run-import-tasks';
import type { ImportDeps } from './import-auction-day';

/** A pair of a backfill is given up on after this many failed runs (a day the server cannot answer). */
export const BACKFILL_ATTEMPTS_PER_PAIR = 3;

/**
 * Where a backfill stands, worked out from the import-run log (the source of truth; the stored
 * `progress` is only the last copy): pairs done (a complete succeeded import — of this backfill
 * when it is forced), pairs given up on, and the tasks still to do, newest day first (after an
 * outage the days people look at come back first).
 */
export async function backfillProgress(deps: Pick<ImportDeps, 'orm'>, backfill: Backfill): Promise<{ progress: BackfillProgress; tasks: ImportTask[]; failures: Map<string, string> }> {
  const em = deps.orm.em.fork();
  const done = await succeededImports(em, backfill.from, backfill.to, backfill.force ? backfill.id : undefined);
  const failures = await failedBackfillPairs(em, backfill.id, BACKFILL_ATTEMPTS_PER_PAIR);
  const tasks: ImportTask[] = [];
  let total = 0;
  let doneCount = 0;
  let failed = 0;
  for (const saleDate of daysBetween(backfill.from, backfill.to).reverse()) {
    for (const symbol of backfill.categories) {
      total++;
      const key = `${saleDate}|${symbol}`;
      if (done.has(key)) doneCount++;
      else if (failures.has(key)) failed++;
      else tasks.push({ saleDate, category: categoryOfSymbol(symbol) });
    }
  }
  return { progress: { total, done: doneCount, failed, remaining: tasks.length }, tasks, failures };
}
