import type { EntityManager } from '@mikro-orm/postgresql';
import type { BuyerGrade } from '../../domain/grade';
import type { FulfilmentMethod } from '../../domain/order';
import type { CartLine } from '../../domain/cart';
import { table } from '../sql';

// Placing an order is the hot path of the edge, so its reads are hand-written: three statements
// instead of six ORM queries, and no entity hydration for rows that are only copied.

export interface LockedCart {
  id: string;
  memo: string | null;
  fulfilmentMethod: FulfilmentMethod;
  deliveryAddress: string | null;
  lines: CartLine[];
}

/** The open cart with its lines, the cart row locked for the transaction; null when there is none. */
export async function lockCartWithLines(em: EntityManager, retailerId: string, wholesalerId: string): Promise<LockedCart | null> {
  const rows = await em.execute<
    Array<{ id: string; memo: string | null; fulfilment_method: FulfilmentMethod; delivery_address: string | null; line_id: string | null; variety_id: string; grade: BuyerGrade; quantity: number; line_memo: string | null }>
  >(
    `select c.id, c.memo, c.fulfilment_method, c.delivery_address, l.id as line_id, l.variety_id, l.grade, l.quantity, l.memo as line_memo
       from ${table(em, 'carts')} c left join ${table(em, 'cart_lines')} l on l.cart_id = c.id
      where c.retailer_id = ? and c.wholesaler_id = ?
      order by l.created_at, l.id
      for update of c`,
    [retailerId, wholesalerId],
  );
  const first = rows[0];
  if (!first) return null;
  return {
    id: first.id,
    memo: first.memo,
    fulfilmentMethod: first.fulfilment_method,
    deliveryAddress: first.delivery_address,
    lines: rows.filter((r) => r.line_id).map((r) => ({ id: r.line_id as string, varietyId: r.variety_id, grade: r.grade, quantity: r.quantity, memo: r.line_memo })),
  };
}

/** Both parties (id, name, phone), and whether their connection is CONFIRMED. */
export async function partiesAndConnection(
  em: EntityManager,
  retailerId: string,
  wholesalerId: string,
): Promise<{ retailer: { id: string; name: string; phone: string }; wholesaler: { id: string; name: string; phone: string }; confirmed: boolean }> {
  const rows = await em.execute<Array<{ id: string; name: string; phone: string; confirmed: boolean }>>(
    `select a.id, a.name, a.phone,
            exists (select 1 from ${table(em, 'connections')} c where c.retailer_id = ? and c.wholesaler_id = ? and c.status = 'CONFIRMED') as confirmed
       from ${table(em, 'accounts')} a where a.id in (?, ?)`,
    [retailerId, wholesalerId, retailerId, wholesalerId],
  );
  const party = (id: string) => {
    const a = rows.find((r) => r.id === id);
    return { id, name: a?.name ?? '', phone: a?.phone ?? '' };
  };
  return { retailer: party(retailerId), wholesaler: party(wholesalerId), confirmed: rows[0]?.confirmed === true };
}

export interface VarietyPricing {
  itemName: string;
  varietyName: string;
  /** The wholesaler's daily price of this variety per grade on the day, where one is set. */
  dailyPrices: Partial<Record<BuyerGrade, number>>;
}

/** Names of the varieties (read model) and the wholesaler's daily prices for them on `day`. */
export async function varietyPricing(em: EntityManager, wholesalerId: string, day: string, varietyIds: string[]): Promise<Map<string, VarietyPricing>> {
  const rows = await em.execute<Array<{ id: string; item_name: string; variety_name: string; grade: BuyerGrade | null; unit_price: string | null }>>(
    `select v.id, v.item_name, v.variety_name, d.grade, d.unit_price
       from ${table(em, 'catalog_varieties')} v
       left join ${table(em, 'daily_prices')} d on d.variety_id = v.id and d.wholesaler_id = ? and d.day = ?
      where v.id in (${varietyIds.map(() => '?').join(', ')})`,
    [wholesalerId, day, ...varietyIds],
  );
  const out = new Map<string, VarietyPricing>();
  for (const r of rows) {
    const entry = out.get(r.id) ?? { itemName: r.item_name, varietyName: r.variety_name, dailyPrices: {} };
    if (r.grade && r.unit_price !== null) entry.dailyPrices[r.grade] = Number(r.unit_price);
    out.set(r.id, entry);
  }
  return out;
}
