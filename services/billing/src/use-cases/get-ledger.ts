import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '@marketbill/platform';
import { AccessForbiddenError, LedgerNotFoundError } from '../domain/billing-errors';
import type { LedgerEntryRow } from '../data-access/entities';
import { findLedgerAccount, listLedgerEntries } from '../data-access/ledger-repository';
import { pairHasTraded } from '../data-access/order-sheet-repository';

export type { LedgerEntryRow };

export interface LedgerView {
  wholesalerId: string;
  retailerId: string;
  balance: number;
  entries: LedgerEntryRow[];
}

/**
 * The ledger of one wholesaler–retailer pair: a wholesaler's people name the retailer, a retailer
 * names the wholesaler, an admin names both. Entries in the order they were written. A pair with no
 * order sheet and no ledger entry is unknown: 404.
 */
export async function getLedger(em: EntityManager, actor: Actor, query: { wholesalerId?: string | undefined; retailerId?: string | undefined }): Promise<LedgerView> {
  let wholesalerId: string | undefined;
  let retailerId: string | undefined;
  switch (actor.role) {
    case 'WHOLESALER_OWNER':
    case 'WHOLESALER_STAFF':
      if (query.wholesalerId && query.wholesalerId !== actor.wholesalerId) throw AccessForbiddenError.because('A wholesaler sees only its own ledger.');
      wholesalerId = actor.wholesalerId;
      retailerId = query.retailerId;
      break;
    case 'RETAILER':
      if (query.retailerId && query.retailerId !== actor.accountId) throw AccessForbiddenError.because('A retailer sees only its own ledger.');
      wholesalerId = query.wholesalerId;
      retailerId = actor.accountId;
      break;
    case 'ADMIN':
      wholesalerId = query.wholesalerId;
      retailerId = query.retailerId;
      break;
  }
  if (!wholesalerId || !retailerId) throw AccessForbiddenError.because('Name the other party of the ledger (retailerId or wholesalerId).');
  const account = await findLedgerAccount(em, wholesalerId, retailerId);
  // A pair that never traded has no ledger: 404, not an empty one that looks like a real account.
  if (!account && !(await pairHasTraded(em, wholesalerId, retailerId))) throw LedgerNotFoundError.forPair(actor.role === 'RETAILER' ? 'wholesaler' : 'retailer');
  const entries = account ? await listLedgerEntries(em, wholesalerId, retailerId) : [];
  return { wholesalerId, retailerId, balance: account?.balance ?? 0, entries };
}
