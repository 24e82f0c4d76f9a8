import { searchActiveOwners } from '../../data-access/account-repository';
import { connectionsOfRetailer } from '../../data-access/connection-repository';
import type { Account, ConnectionStatus } from '../../data-access/entities';
import type { Actor } from '../../domain/actor';
import type { Page, PageRequest, UseCaseContext } from '../context';

export interface WholesalerListing {
  owner: Account;
  /** For a retailer: the state of its live connection to this wholesaler, if any. */
  connection: { id: string; status: ConnectionStatus } | null;
}

/** Wholesalers a retailer can apply to (by shop name), each with the caller's connection state. */
export async function listWholesalers(ctx: UseCaseContext, actor: Actor, query: PageRequest & { q?: string | undefined }): Promise<Page<WholesalerListing>> {
  const [owners, total] = await searchActiveOwners(ctx.em, { q: query.q, limit: query.size, offset: query.page * query.size });
  const connections = actor.role === 'RETAILER' ? await connectionsOfRetailer(ctx.em, actor.accountId, owners.map((o) => o.id)) : [];
  const items = owners.map((owner) => {
    const latest = connections.filter((c) => c.wholesalerId === owner.id).at(-1);
    return { owner, connection: latest ? { id: latest.id, status: latest.status } : null };
  });
  return { items, page: query.page, size: query.size, total };
}
