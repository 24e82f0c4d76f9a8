import type { EntityManager } from '@mikro-orm/postgresql';
import { sealedFieldContext, type Party } from '@marketbill/schemas';
import { findAccountsByIds } from '../data-access/account-repository';
import type { Settings } from './context';

/** An account as events name it: id, display name and mobile number. */
export interface Contact {
  id: string;
  name: string;
  phone: string;
}

/**
 * A party as the events carry it: the name in clear (a shop name, which analytics and billing use)
 * and the phone sealed for the notifier alone (`Party.sealedPhone`; `phone` stays null).
 */
export function toEventParty(settings: Settings, contact: Contact): Party {
  return { id: contact.id, name: contact.name, phone: null, sealedPhone: settings.sealer.seal(contact.phone, sealedFieldContext.partyPhone(contact.id)) };
}

/**
 * The retailer and wholesaler of a trade as the events carry them: names and the phones the
 * notifier texts (a wholesaler is its owner: shop name and owner's phone). Read fresh, so a
 * changed phone reaches the next SMS; the notifier never reads our database.
 */
export async function loadParties(settings: Settings, em: EntityManager, retailerId: string, wholesalerId: string): Promise<{ retailer: Party; wholesaler: Party }> {
  const accounts = await findAccountsByIds(em, [retailerId, wholesalerId]);
  const party = (id: string): Party => {
    const a = accounts.find((x) => x.id === id);
    return toEventParty(settings, { id, name: a?.name ?? '', phone: a?.phone ?? '' });
  };
  return { retailer: party(retailerId), wholesaler: party(wholesalerId) };
}
