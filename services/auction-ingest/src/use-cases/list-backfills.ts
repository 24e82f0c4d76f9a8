import { listBackfills as listStoredBackfills, type Backfill } from '../data-access/backfill-repository';
import type { ImportDeps } from './import-auction-day';

export type { Backfill };

/** Pending backfills, oldest first, and the latest `finishedToo` finished ones. */
export function listBackfills(deps: Pick<ImportDeps, 'orm'>, finishedToo?: number): Promise<Backfill[]> {
  return listStoredBackfills(deps.orm.em.fork(), finishedToo);
}
