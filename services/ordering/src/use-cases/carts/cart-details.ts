import type { EntityManager } from '@mikro-orm/postgresql';
import { cartLines } from '../../data-access/cart-repository';
import { varietiesById } from '../../data-access/catalog-repository';
import type { Cart, CartLineRow } from '../../data-access/entities';

export type { Cart, CartLineRow };

/** A cart as the API shows it: its lines named after the catalog read model's varieties. */
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
