import type { CategoryInfo } from '../domain/auction-category';
import type { CallPriority } from '../clients/call-budget';
import type { ImportTrigger } from '../data-access/entities';
import { importAuctionDay, type ImportDeps, type ImportResult } from './import-auction-day';

export interface ImportTask {
  saleDate: string;
  category: CategoryInfo;
}

export interface ImportProgress {
  /** Tasks finished one way or another (skipped ones included). */
  done: number;
  total: number;
  skipped: number;
  failed: number;
  /** Tasks not attempted, or refused, for want of call budget: they wait for the next day's budget. */
  deferred: number;
  rowsRead: number;
  rowsPublished: number;
  last?: ImportResult;
}

/** Why a batch ended before its last task. */
export type StopReason = 'budget' | 'key' | 'aborted';

export interface ImportSummary extends ImportProgress {
  results: ImportResult[];
  /** Set when the batch stopped early; `deferred` then counts the tasks left. */
  stoppedBecause?: StopReason;
  /** The failure that stopped it (budget or key), for the report. */
  stopMessage?: string;
}

/**
 * The aT server answers an unknown service key with the same HTML error page as an internal
 * failure. When the first pairs of a batch get nothing but that page, the key is the likely cause
 * and every further request would only spend the call budget.
 */
const ERROR_PAGES_BEFORE_STOPPING = 3;

/**
 * Imports day × category tasks with a few in flight at once (the source client itself keeps its
 * requests polite and serial; concurrency overlaps one task's database work with another's fetch).
 * The batch stops taking tasks when the call budget runs out (the rest is `deferred`, to continue
 * with the next day's budget), when the service key is refused (every other task would fail the
 * same way) or the first pairs all got the server's error page, or when `signal` aborts; tasks in
 * flight finish.
 */
export async function runImportTasks(
  deps: ImportDeps,
  tasks: ImportTask[],
  options: {
    trigger: ImportTrigger;
    concurrency: number;
    priority?: CallPriority;
    backfillId?: string;
    skipped?: number;
    signal?: AbortSignal;
    onProgress?: (p: ImportProgress) => void | Promise<void>;
  },
): Promise<ImportSummary> {
  const skipped = options.skipped ?? 0;
  const progress: ImportProgress = { done: skipped, total: tasks.length + skipped, skipped, failed: 0, deferred: 0, rowsRead: 0, rowsPublished: 0 };
  const results: ImportResult[] = [];
  let stop: { reason: StopReason; message?: string } | undefined;
  let next = 0;
  let succeeded = 0;
  let errorPages = 0;
  async function worker(): Promise<void> {
    while (next < tasks.length && !stop) {
      if (options.signal?.aborted) {
        stop = { reason: 'aborted' };
        break;
      }
      const task = tasks[next++] as ImportTask;
      const result = await importAuctionDay(deps, { ...task, trigger: options.trigger, priority: options.priority ?? 'schedule', backfillId: options.backfillId });
      results.push(result);
      progress.rowsRead += result.rowsRead;
      progress.rowsPublished += result.rowsNew + result.rowsChanged;
      if (result.status === 'DEFERRED') {
        progress.deferred++;
        stop ??= { reason: 'budget', message: result.error ?? 'call budget exhausted' };
      } else {
        progress.done++;
        if (result.status === 'SUCCEEDED') succeeded++;
        if (result.status === 'FAILED') progress.failed++;
        if (result.scope === 'key') stop ??= { reason: 'key', message: result.error ?? 'the service key was refused' };
        if (result.code === 'at-api-error-page' && ++errorPages >= ERROR_PAGES_BEFORE_STOPPING && succeeded === 0) {
          stop ??= { reason: 'key', message: `the aT server answered its HTML error page for the first ${errorPages} day × category pairs and nothing else — an unknown service key does this; check AT_API_KEY` };
        }
      }
      progress.last = result;
      await options.onProgress?.({ ...progress });
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, () => worker()));
  // Tasks never started count as deferred: they are still to do.
  progress.deferred += tasks.length - next;
  return { ...progress, results, ...(stop ? { stoppedBecause: stop.reason, ...(stop.message ? { stopMessage: stop.message } : {}) } : {}) };
}
