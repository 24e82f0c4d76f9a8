import type { CategoryInfo } from '../domain/auction-category';
import { insertBackfill, type Backfill } from '../data-access/backfill-repository';
import type { ImportDeps } from './import-auction-day';

/**
 * Records a backfill of a date range: the importer works through it within the daily call budget,
 * now (the command) and on the following days (the service's backfill schedule), until every day ×
 * category is imported or given up on. Asking for the same pending backfill again returns it.
 */
export async function requestBackfill(
  deps: Pick<ImportDeps, 'orm'>,
  input: { from: string; to: string; categories: CategoryInfo[]; force: boolean },
): Promise<{ backfill: Backfill; created: boolean }> {
  return insertBackfill(deps.orm.em.fork(), { from: input.from, to: input.to, categories: input.categories.map((c) => c.symbol), force: input.force });
}
