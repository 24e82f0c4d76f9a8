import { daysBetween } from '@marketbill/platform';
import type { CategoryInfo } from '../domain/auction-category';
import { succeededImports } from '../data-access/import-run-repository';
import type { ImportDeps } from './import-auction-day';
import { runImportTasks, type ImportProgress, type ImportSummary, type ImportTask } from './run-import-tasks';

/**
 * Imports every day of a range for the given categories. Resumable: day × category pairs that
 * already have a succeeded import are skipped unless `force` is set, so a stopped backfill started
 * again continues where it was.
 */
export async function backfillAuctionDays(
  deps: ImportDeps,
  input: { from: string; to: string; categories: CategoryInfo[]; force: boolean; concurrency: number; signal?: AbortSignal; onProgress?: (p: ImportProgress) => void },
): Promise<ImportSummary> {
  const done = input.force ? new Set<string>() : await succeededImports(deps.orm.em.fork(), input.from, input.to);
  const tasks: ImportTask[] = [];
  let skipped = 0;
  for (const saleDate of daysBetween(input.from, input.to)) {
    for (const category of input.categories) {
      if (done.has(`${saleDate}|${category.symbol}`)) skipped++;
      else tasks.push({ saleDate, category });
    }
  }
  return runImportTasks(deps, tasks, {
    trigger: 'backfill',
    concurrency: input.concurrency,
    skipped,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
}
