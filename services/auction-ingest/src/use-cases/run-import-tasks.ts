import type { CategoryInfo } from '../domain/auction-category';
import type { ImportTrigger } from '../data-access/entities';
import { importAuctionDay, type ImportDeps, type ImportResult } from './import-auction-day';

export interface ImportTask {
  saleDate: string;
  category: CategoryInfo;
}

export interface ImportProgress {
  done: number;
  total: number;
  skipped: number;
  failed: number;
  rowsRead: number;
  rowsPublished: number;
  last?: ImportResult;
}

export interface ImportSummary extends ImportProgress {
  results: ImportResult[];
}

/**
 * Imports day × category tasks with a few in flight at once (the source client itself keeps its
 * requests polite and serial; concurrency overlaps one task's database work with another's fetch).
 * Stops taking new tasks when `signal` aborts; tasks in flight finish.
 */
export async function runImportTasks(
  deps: ImportDeps,
  tasks: ImportTask[],
  options: { trigger: ImportTrigger; concurrency: number; skipped?: number; signal?: AbortSignal; onProgress?: (p: ImportProgress) => void },
): Promise<ImportSummary> {
  const progress: ImportProgress = { done: 0, total: tasks.length + (options.skipped ?? 0), skipped: options.skipped ?? 0, failed: 0, rowsRead: 0, rowsPublished: 0 };
  progress.done = progress.skipped;
  const results: ImportResult[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < tasks.length && !options.signal?.aborted) {
      const task = tasks[next++] as ImportTask;
      const result = await importAuctionDay(deps, { ...task, trigger: options.trigger });
      results.push(result);
      progress.done++;
      progress.rowsRead += result.rowsRead;
      progress.rowsPublished += result.rowsNew + result.rowsChanged;
      if (result.status === 'FAILED') progress.failed++;
      progress.last = result;
      options.onProgress?.({ ...progress });
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, () => worker()));
  return { ...progress, results };
}
