import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CartLineSchema, CartSchema, type Cart, type CartLineRow } from './entities';
import { table } from './sql';

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

export function findCart(em: EntityManager, retailerId: string, wholesalerId: string): Promise<Cart | null> {
  return em.findOne(CartSchema, { retailerId, wholesalerId });
}

/** Every open cart of a retailer, the most recently changed first. */
export function listCartsOf(em: EntityManager, retailerId: string): Promise<Cart[]> {
  return em.find(CartSchema, { retailerId }, { orderBy: { updatedAt: 'desc' } });
}

export async function cartLines(em: EntityManager, cartId: string): Promise<CartLineRow[]> {
  return em.find(CartLineSchema, { cartId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** A new cart line, persisted when the caller's transaction flushes. */
export function addCartLine(em: EntityManager, line: CartLineRow): void {
  em.persist(em.create(CartLineSchema, line));
}

/** Deletes a line (or the cart with its lines) when the caller's transaction flushes. */
export function removeCartLine(em: EntityManager, line: CartLineRow): void {
  em.remove(line);
}

export function removeCart(em: EntityManager, cart: Cart): void {
  em.remove(cart);
}

/**
 * Retailers whose cart at the wholesaler has lines and was last changed before `changedBefore` (the
 * latest cutoff): what the cutoff orders. Carts without lines (a memo set, nothing added) are not
 * orders and are left alone.
 */
export async function retailersWithCartsDue(em: EntityManager, wholesalerId: string, changedBefore: Date): Promise<string[]> {
  const rows = await em.execute<Array<{ retailer_id: string }>>(
    `select c.retailer_id from ${table(em, 'carts')} c
      where c.wholesaler_id = ? and c.updated_at < ? and exists (select 1 from ${table(em, 'cart_lines')} l where l.cart_id = c.id)`,
    [wholesalerId, changedBefore],
  );
  return rows.map((r) => r.retailer_id);
}
