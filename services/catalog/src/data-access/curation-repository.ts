import type { EntityManager } from '@mikro-orm/core';
import { pgArray, tableOf } from './sql';

/** Sets a variety's curated fields (only those given); false when there is no such variety. */
export async function updateVarietyCuration(em: EntityManager, id: string, change: { colour?: string | null; imageUrls?: string[] }): Promise<boolean> {
  const sets: string[] = ['updated_at = now()'];
  const params: unknown[] = [];
  if (change.colour !== undefined) {
    sets.push('colour = ?');
    params.push(change.colour);
  }
  if (change.imageUrls !== undefined) {
    sets.push('image_urls = ?::text[]');
    params.push(pgArray(change.imageUrls));
  }
  const rows = await em.getConnection().execute<Array<{ id: string }>>(
    `update ${tableOf(em, 'variety')} set ${sets.join(', ')} where id = ? returning id`,
    [...params, id],
  );
  return rows.length > 0;
}

/** Sets an item's image; false when there is no such item. */
export async function updateItemImage(em: EntityManager, id: string, imageUrl: string | null): Promise<boolean> {
  const rows = await em.getConnection().execute<Array<{ id: string }>>(
    `update ${tableOf(em, 'item')} set image_url = ?, updated_at = now() where id = ? returning id`,
    [imageUrl, id],
  );
  return rows.length > 0;
}
