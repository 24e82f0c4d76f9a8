import { addDays, seoulDay } from '@marketbill/platform';
import { CATEGORIES } from '../domain/auction-category';
import type { ImportTrigger } from '../data-access/entities';
import { succeededImports } from '../data-access/import-run-repository';
import type { ImportDeps } from './import-auction-day';
import { runImportTasks, type ImportSummary, type ImportTask } from './run-import-tasks';

/**
 * The schedule's work and the start-up catch-up: over the last `windowDays` Seoul days (today
 * included), imports every day × category that has no succeeded import yet, and re-imports the
 * last `refreshDays` days in any case, since the auction may still add or correct rows of a
 * recent day. Unchanged rows cost a read and publish nothing. It may spend the whole daily call
 * budget (backfills leave it a share); when the budget runs out the rest waits for the next tick.
 */
export async function importRecentDays(
  deps: ImportDeps,
  input: { windowDays: number; refreshDays: number; trigger: ImportTrigger; concurrency: number; now?: Date; signal?: AbortSignal },
): Promise<ImportSummary> {
  const today = seoulDay(input.now ?? new Date());
  const from = addDays(today, -(Math.max(1, input.windowDays) - 1));
  const refreshFrom = addDays(today, -(input.refreshDays - 1));
  const done = await succeededImports(deps.orm.em.fork(), from, today);
  const tasks: ImportTask[] = [];
  let skipped = 0;
  // Newest first: after an outage the days people look at come back first.
  for (let day = today; day >= from; day = addDays(day, -1)) {
    for (const category of CATEGORIES) {
      if (day < refreshFrom && done.has(`${day}|${category.symbol}`)) skipped++;
      else tasks.push({ saleDate: day, category });
    }
  }
  return runImportTasks(deps, tasks, {
    trigger: input.trigger,
    priority: 'schedule',
    concurrency: input.concurrency,
    skipped,
    ...(input.signal ? { signal: input.signal } : {}),
  });
}
