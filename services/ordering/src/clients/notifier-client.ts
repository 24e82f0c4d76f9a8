import type { Actor } from '@marketbill/platform';
import { createInternalApiClient, fromOneBasedPages, type Page } from './internal-api';

type Query = Record<string, string | number | undefined>;

/** The notifier's delivery log (its internal API), for administrators. */
export interface NotifierClient {
  listDeliveries(actor: Actor, query: Query, requestId: string): Promise<Page<unknown>>;
  getDelivery(actor: Actor, id: string, requestId: string): Promise<unknown>;
}

/**
 * The SMS delivery log stays in the notifier; the edge shows it to ADMIN users only and names the
 * admin in the actor header (the notifier refuses anyone else too). Pages: 0-based at the edge,
 * 1-based in the notifier.
 */
export function createNotifierClient(options: { baseUrl: string; token: string; timeoutMs: number }): NotifierClient {
  const http = createInternalApiClient('notifier', options);
  return {
    listDeliveries: (actor, query, requestId) => fromOneBasedPages(query, (q) => http.request<Page<unknown>>('GET', '/deliveries', { actor, requestId, query: q })),
    getDelivery: (actor, id, requestId) => http.request('GET', `/deliveries/${encodeURIComponent(id)}`, { actor, requestId }),
  };
}
