import { sleep, type Orm } from '@marketbill/platform';
import { OrderViewBehindError } from '../domain/billing-errors';
import { tableOf } from '../data-access/sql';

/**
 * Waits until billing's view holds every order at least at the version the caller knows (the edge
 * reads them where orders are written), polling for at most `timeoutMs`. Without this, a statement
 * issued the moment the last price was set could be refused as "unpriced" — or, for a day, miss
 * an order — because the event carrying that change is still on its way.
 */
export async function awaitOrderViews(orm: Orm, expected: Record<string, number>, timeoutMs: number): Promise<void> {
  const ids = Object.keys(expected);
  if (ids.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (let pause = 25; ; pause = Math.min(pause * 2, 250)) {
    const em = orm.em.fork();
    const rows = await em.execute<Array<{ order_id: string; version: number }>>(
      `select order_id, version from ${tableOf(em, 'order_sheet')} where order_id = any(?::uuid[])`,
      [`{${ids.join(',')}}`],
    );
    const held = new Map(rows.map((r) => [r.order_id, r.version]));
    const behind = ids.filter((id) => (held.get(id) ?? 0) < (expected[id] as number));
    if (behind.length === 0) return;
    if (Date.now() + pause > deadline) throw OrderViewBehindError.forOrders(behind);
    await sleep(pause);
  }
}
