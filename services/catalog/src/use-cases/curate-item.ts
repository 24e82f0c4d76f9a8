import type { EntityManager } from '@mikro-orm/core';
import type { Actor } from '@marketbill/schemas';
import { CurationForbiddenError, ItemNotFoundError } from '../domain/catalog-errors';
import { updateItemImage } from '../data-access/curation-repository';
import { findItem, type ItemSummary } from '../data-access/catalog-read-repository';

/** An administrator sets (or clears) an item's image. */
export async function curateItem(em: EntityManager, actor: Actor | undefined, id: string, change: { imageUrl?: string | null }): Promise<ItemSummary> {
  if (actor?.role !== 'ADMIN') throw CurationForbiddenError.notAdmin();
  if (change.imageUrl !== undefined && !(await updateItemImage(em, id, change.imageUrl))) throw ItemNotFoundError.byId(id);
  const item = await findItem(em, id);
  if (!item) throw ItemNotFoundError.byId(id);
  return item;
}
