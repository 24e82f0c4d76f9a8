import { AccountSchema, ConnectionSchema, type Account, type ConnectionStatus } from '../../data-access/entities';
import { containsPattern } from '../../data-access/sql';
import type { Actor } from '../../domain/actor';
import type { Page, PageRequest, UseCaseContext } from '../context';

export interface WholesalerListing {
  owner: Account;
  /** For a retailer: the state of its live connection to this wholesaler, if any. */
  connection: { id: string; status: ConnectionStatus } | null;
}

/** Wholesalers a retailer can apply to (by shop name), each with the caller's connection state. */
export async function listWholesalers(ctx: UseCaseContext, actor: Actor, query: PageRequest & { q?: string | undefined }): Promise<Page<WholesalerListing>> {
  const where = { role: 'WHOLESALER_OWNER' as const, disabledAt: null, ...(query.q ? { name: { $ilike: containsPattern(query.q) } } : {}) };
  const [owners, total] = await ctx.em.findAndCount(AccountSchema, where, { orderBy: { name: 'asc', id: 'asc' }, limit: query.size, offset: query.page * query.size });
  const connections =
    actor.role === 'RETAILER' && owners.length > 0
      ? await ctx.em.find(ConnectionSchema, { retailerId: actor.accountId, wholesalerId: { $in: owners.map((o) => o.id) } }, { orderBy: { createdAt: 'asc' } })
      : [];
  const items = owners.map((owner) => {
    const latest = connections.filter((c) => c.wholesalerId === owner.id).at(-1);
    return { owner, connection: latest ? { id: latest.id, status: latest.status } : null };
  });
  return { items, page: query.page, size: query.size, total };
}
