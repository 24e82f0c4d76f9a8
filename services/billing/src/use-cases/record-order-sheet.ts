import type { EntityManager } from '@mikro-orm/postgresql';
import type { OrderSheet } from '../domain/order-sheet';
import { upsertOrderSheet } from '../data-access/order-sheet-repository';

/**
 * Keeps billing's view of an order sheet: the snapshot with the highest version wins, so events
 * that arrive late or twice change nothing. Statements already issued keep their frozen lines; a
 * change after issue shows as `ordersChanged` on the statement until it is re-issued.
 */
export async function recordOrderSheet(em: EntityManager, sheet: OrderSheet): Promise<{ applied: boolean }> {
  return { applied: await upsertOrderSheet(em, sheet) };
}
