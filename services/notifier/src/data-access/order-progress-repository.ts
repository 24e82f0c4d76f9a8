import type { EntityManager } from '@mikro-orm/core';
import { tableOf } from './sql';

/**
 * Records `version` as the newest snapshot of the order if it is newer than any seen; true when
 * it was. The upsert locks the order's row until the transaction ends, so two events of one order
 * handled at once (order.placed and order.updated live on different topics) take turns.
 */
export async function advanceOrderProgress(em: EntityManager, orderId: string, version: number, status: string): Promise<boolean> {
  const rows = await em.getConnection().execute<Array<{ version: number }>>(
    `insert into ${tableOf(em, 'order_progress')} (order_id, version, status) values (?, ?, ?)
     on conflict (order_id) do update set version = excluded.version, status = excluded.status, updated_at = now()
       where order_progress.version < excluded.version
     returning version`,
    [orderId, version, status],
    'all',
    em.getTransactionContext(),
  );
  return rows.length > 0;
}

/** The status of the newest snapshot of the order seen, or undefined. */
export async function latestOrderStatus(em: EntityManager, orderId: string): Promise<string | undefined> {
  const rows = await em
    .getConnection()
    .execute<Array<{ status: string }>>(`select status from ${tableOf(em, 'order_progress')} where order_id = ?`, [orderId], 'all', em.getTransactionContext());
  return rows[0]?.status;
}
