import type { EntityManager } from '@mikro-orm/core';
import type { Actor } from '@marketbill/schemas';
import { CurationForbiddenError, VarietyNotFoundError } from '../domain/catalog-errors';
import { updateVarietyCuration } from '../data-access/curation-repository';
import { findVariety, type VarietySummary } from '../data-access/catalog-read-repository';

/** An administrator sets a variety's colour and images; auction events never touch these fields. */
export async function curateVariety(
  em: EntityManager,
  actor: Actor | undefined,
  id: string,
  change: { colour?: string | null; imageUrls?: string[] },
): Promise<VarietySummary> {
  if (actor?.role !== 'ADMIN') throw CurationForbiddenError.notAdmin();
  if (!(await updateVarietyCuration(em, id, change))) throw VarietyNotFoundError.byId(id);
  return (await findVariety(em, id)) as VarietySummary;
}
