import type { EntityManager } from '@mikro-orm/postgresql';
import type { Party } from '@marketbill/schemas';
import { AccountSchema } from '../data-access/entities';

/**
 * The retailer and wholesaler of a trade as the events carry them: names and the phones the
 * notifier texts (a wholesaler is its owner: shop name and owner's phone). Read fresh, so a
 * changed phone reaches the next SMS; the notifier never reads our database.
 */
export async function loadParties(em: EntityManager, retailerId: string, wholesalerId: string): Promise<{ retailer: Party; wholesaler: Party }> {
  const accounts = await em.find(AccountSchema, { id: { $in: [retailerId, wholesalerId] } });
  const party = (id: string): Party => {
    const a = accounts.find((x) => x.id === id);
    return { id, name: a?.name ?? '', phone: a?.phone ?? '' };
  };
  return { retailer: party(retailerId), wholesaler: party(wholesalerId) };
}
