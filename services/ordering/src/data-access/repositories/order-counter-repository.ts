import type { EntityManager } from '@mikro-orm/postgresql';
import { table } from '../sql';

/**
 * The next order sequence number of a Seoul day. Runs as its own short statement (not inside the
 * order's transaction) so the counter row is locked for microseconds, not for a whole order
 * transaction; a failed order leaves a gap in the numbers, never a duplicate.
 */
export async function nextOrderSequence(em: EntityManager, day: string): Promise<number> {
  const t = table(em, 'order_counters');
  const rows = await em.execute<Array<{ last: number }>>(
    `insert into ${t} as c (day, last) values (?, 1) on conflict (day) do update set last = c.last + 1 returning last`,
    [day],
  );
  return Number(rows[0]?.last);
}
