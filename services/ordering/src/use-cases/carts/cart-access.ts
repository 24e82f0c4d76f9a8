import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CartLineSchema, CartSchema, CatalogVarietySchema, ConnectionSchema, type Cart, type CartLineRow, type CatalogVariety } from '../../data-access/entities';
import { table } from '../../data-access/sql';
import { ConnectionError } from '../../domain/ordering-errors';

/** Only a CONFIRMED connection may fill a cart and order (enforced here, not by the frontend). */
export async function assertConfirmedConnection(em: EntityManager, retailerId: string, wholesalerId: string): Promise<void> {
  const confirmed = await em.count(ConnectionSchema, { retailerId, wholesalerId, status: 'CONFIRMED' });
  if (confirmed === 0) throw ConnectionError.notConfirmed();
}

/** The open cart of a retailer at a wholesaler, locked for this transaction; created when missing. */
export async function lockOrCreateCart(em: EntityManager, retailerId: string, wholesalerId: string, now: Date): Promise<Cart> {
  // Placing an order deletes the cart in one statement of its own (no lock held before it), so the
  // cart the insert found can be gone by the time it is locked: then make the next cart and lock
  // that. Each round either finds a live cart or inserts one; a round is lost only to a placement
  // that committed in between, so three rounds are plenty.
  for (let round = 0; ; round++) {
    // insert … on conflict: two requests adding the first lines at once still end with one cart.
    await em.execute(
      `insert into ${table(em, 'carts')} (id, retailer_id, wholesaler_id, memo, fulfilment_method, delivery_address, created_at, updated_at)
       values (?, ?, ?, null, 'PICKUP', null, ?, ?) on conflict (retailer_id, wholesaler_id) do nothing`,
      [randomUUID(), retailerId, wholesalerId, now, now],
      'run',
    );
    const cart = await em.findOne(CartSchema, { retailerId, wholesalerId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (cart) return cart;
    if (round === 2) throw new Error(`cart of retailer ${retailerId} at wholesaler ${wholesalerId} vanished three times while being locked`);
  }
}

export async function lockCart(em: EntityManager, retailerId: string, wholesalerId: string): Promise<Cart | null> {
  return em.findOne(CartSchema, { retailerId, wholesalerId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

export async function cartLines(em: EntityManager, cartId: string): Promise<CartLineRow[]> {
  return em.find(CartLineSchema, { cartId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** Varieties of the read model by id. */
export async function varietiesById(em: EntityManager, ids: string[]): Promise<Map<string, CatalogVariety>> {
  const unique = [...new Set(ids)];
  const rows = unique.length > 0 ? await em.find(CatalogVarietySchema, { id: { $in: unique } }) : [];
  return new Map(rows.map((v) => [v.id, v]));
}

export interface CartDetails {
  wholesalerId: string;
  cart: Cart | null;
  lines: Array<CartLineRow & { itemName: string; varietyName: string }>;
}

export async function cartDetails(em: EntityManager, wholesalerId: string, cart: Cart | null): Promise<CartDetails> {
  if (!cart) return { wholesalerId, cart: null, lines: [] };
  const lines = await cartLines(em, cart.id);
  const varieties = await varietiesById(em, lines.map((l) => l.varietyId));
  return {
    wholesalerId,
    cart,
    lines: lines.map((l) => ({ ...l, itemName: varieties.get(l.varietyId)?.itemName ?? '', varietyName: varieties.get(l.varietyId)?.varietyName ?? '' })),
  };
}
