import { cancelBackfill as cancelPendingBackfill } from '../data-access/backfill-repository';
import type { ImportDeps } from './import-auction-day';

/** Cancels a pending backfill (the days it imported stay); false when no pending one has that id. */
export function cancelBackfill(deps: Pick<ImportDeps, 'orm'>, id: string): Promise<boolean> {
  return cancelPendingBackfill(deps.orm.em.fork(), id);
}
