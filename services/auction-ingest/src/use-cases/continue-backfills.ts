import { listBackfills } from '../data-access/backfill-repository';
import type { ImportDeps } from './import-auction-day';
import { workOnBackfill, type BackfillSession } from './work-on-backfill';

/**
 * The schedule's share of backfilling: works on every pending backfill, oldest first, until the
 * budget runs out or the key is refused (the next run continues). A backfill another process holds
 * is left to it.
 */
export async function continueBackfills(deps: ImportDeps, options: { concurrency: number; signal?: AbortSignal }): Promise<BackfillSession[]> {
  const sessions: BackfillSession[] = [];
  for (const backfill of await listBackfills(deps.orm.em.fork(), 0)) {
    if (backfill.status !== 'PENDING' || options.signal?.aborted) continue;
    const session = await workOnBackfill(deps, backfill.id, options);
    sessions.push(session);
    if (session.outcome === 'deferred' || session.outcome === 'stopped') break;
  }
  return sessions;
}
