import { randomUUID } from 'node:crypto';
import type { CallBudgetStatus } from '../clients/call-budget';
import { findBackfill, leaseBackfill, saveBackfillProgress, type Backfill, type BackfillProgress } from '../data-access/backfill-repository';
import { backfillProgress } from './backfill-progress';
import type { ImportDeps } from './import-auction-day';
import { runImportTasks, type ImportProgress, type ImportSummary } from './run-import-tasks';

/** How long a session holds a backfill; renewed after every import, so only a dead process lets it lapse. */
const LEASE_SECONDS = 300;

export interface BackfillSession {
  backfill: Backfill;
  /**
   * `finished`: nothing remains; `deferred`: the call budget ran out (continues with the next
   * day's budget); `partial`: every pair was tried but some failed and are tried again next time;
   * `stopped`: the key was refused or the session aborted; `busy`: another process holds the
   * backfill; `not-pending`: it was already done or cancelled.
   */
  outcome: 'busy' | 'finished' | 'deferred' | 'partial' | 'stopped' | 'not-pending';
  progress: BackfillProgress;
  /** This session's imports. */
  summary?: ImportSummary;
  /** Pairs given up on, with the last reason. */
  failures: Map<string, string>;
  /** The key's budget after the session (absent for the replay source). */
  budget?: CallBudgetStatus;
}

/**
 * Works on a stored backfill for as long as the call budget allows: takes the backfill's lease
 * (one process at a time), imports the remaining pairs newest day first with the backfill's share
 * of the budget, and records where it stands. Budget exhaustion ends the session as `deferred`
 * (the service's backfill schedule continues after the budget resets); nothing is lost, since
 * progress is the import-run log itself.
 */
export async function workOnBackfill(
  deps: ImportDeps,
  backfillId: string,
  options: { concurrency: number; signal?: AbortSignal; onProgress?: (p: ImportProgress) => void; owner?: string },
): Promise<BackfillSession> {
  const em = () => deps.orm.em.fork();
  const owner = options.owner ?? `session-${randomUUID()}`;
  const found = await findBackfill(em(), backfillId);
  if (!found) throw new RangeError(`no backfill ${backfillId}`);
  const budget = async () => (deps.budget ? { budget: await deps.budget.status() } : {});
  if (found.status !== 'PENDING') {
    const { progress, failures } = await backfillProgress(deps, found);
    return { backfill: found, outcome: 'not-pending', progress, failures, ...(await budget()) };
  }
  if (!(await leaseBackfill(em(), backfillId, owner, LEASE_SECONDS))) {
    const { progress, failures } = await backfillProgress(deps, found);
    return { backfill: found, outcome: 'busy', progress, failures, ...(await budget()) };
  }
  const log = deps.logger.child({ backfillId, from: found.from, to: found.to });
  let summary: ImportSummary;
  try {
    const before = await backfillProgress(deps, found);
    summary = await runImportTasks(deps, before.tasks, {
      trigger: 'backfill',
      priority: 'backfill',
      backfillId,
      concurrency: options.concurrency,
      skipped: before.progress.done + before.progress.failed,
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: async (p) => {
        options.onProgress?.(p);
        await leaseBackfill(em(), backfillId, owner, LEASE_SECONDS);
      },
    });
  } catch (error) {
    // Free the lease at once rather than after it lapses; the log already holds what was done.
    const { progress } = await backfillProgress(deps, found);
    await saveBackfillProgress(em(), backfillId, owner, progress).catch(() => undefined);
    throw error;
  }
  const after = await backfillProgress(deps, found);
  const progress: BackfillProgress = { ...after.progress, ...(summary.stoppedBecause ? { stoppedBecause: summary.stopMessage ?? summary.stoppedBecause } : {}) };
  await saveBackfillProgress(em(), backfillId, owner, progress);
  const outcome: BackfillSession['outcome'] =
    progress.remaining === 0 ? 'finished' : summary.stoppedBecause === 'budget' ? 'deferred' : summary.stoppedBecause ? 'stopped' : 'partial';
  const session: BackfillSession = { backfill: (await findBackfill(em(), backfillId)) ?? found, outcome, progress, summary, failures: after.failures, ...(await budget()) };
  log.info({ outcome, ...progress, imported: summary.done - summary.skipped, deferred: summary.deferred }, 'backfill session ended');
  return session;
}
