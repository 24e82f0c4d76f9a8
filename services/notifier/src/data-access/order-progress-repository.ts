import type { EntityManager } from '@mikro-orm/core';

export interface OrderProgressRepository {
  /**
   * Records `version` as the newest snapshot of the order if it is newer than any seen; true when
   * it was. The upsert locks the order's row until the transaction ends, so two events of one order
   * handled at once (order.placed and order.updated live on different topics) take turns.
   */
  advance(em: EntityManager, orderId: string, version: number, status: string): Promise<boolean>;
  /** The status of the newest snapshot seen, or undefined. */
  latestStatus(em: EntityManager, orderId: string): Promise<string | undefined>;
}

export function createOrderProgressRepository(schema: string): OrderProgressRepository {
  const s = `"${schema.replace(/"/g, '""')}"`;
  return {
    async advance(em, orderId, version, status) {
      const rows = await em.getConnection().execute<Array<{ version: number }>>(
        `insert into ${s}.order_progress (order_id, version, status) values (?, ?, ?)
         on conflict (order_id) do update set version = excluded.version, status = excluded.status, updated_at = now()
           where order_progress.version < excluded.version
         returning version`,
        [orderId, version, status],
        'all',
        em.getTransactionContext(),
      );
      return rows.length > 0;
    },
    async latestStatus(em, orderId) {
      const rows = await em
        .getConnection()
        .execute<Array<{ status: string }>>(`select status from ${s}.order_progress where order_id = ?`, [orderId], 'all', em.getTransactionContext());
      return rows[0]?.status;
    },
  };
}
