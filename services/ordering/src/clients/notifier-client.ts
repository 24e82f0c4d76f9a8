import { createServiceClient, type Actor } from '@marketbill/platform';
import type { Page } from './billing-client';

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
  const http = createServiceClient({
    name: 'notifier',
    baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/internal/v1`,
    token: options.token,
    timeoutMs: options.timeoutMs,
  });
  return {
    listDeliveries: async (actor, query, requestId) => {
      const page = await http.request<Page<unknown>>('GET', '/deliveries', { actor, requestId, query: { ...query, page: Number(query.page ?? 0) + 1 } });
      return { ...page, page: page.page - 1 };
    },
    getDelivery: (actor, id, requestId) => http.request('GET', `/deliveries/${encodeURIComponent(id)}`, { actor, requestId }),
  };
}
