
import type { Actor, NotifierApi } from '@marketbill/schemas';
import { createInternalApiClient } from './internal-api';

/** The notifier's delivery log (its internal API, typed from schemas/notifier/internal-api.openapi.json), for administrators. */
export interface NotifierClient {
  listDeliveries(actor: Actor, query: NotifierApi.ListDeliveriesQuery, requestId: string): Promise<NotifierApi.SmsDeliveryPage>;
  getDelivery(actor: Actor, id: string, requestId: string): Promise<NotifierApi.SmsDeliveryDetail>;
}

/**
 * The SMS delivery log stays in the notifier; the edge shows it to ADMIN users only and names the
 * admin in the actor header (the notifier refuses anyone else too). Pages count from 0 in both.
 */
export function createNotifierClient(options: { baseUrl: string; token: string; timeoutMs: number }): NotifierClient {
  const http = createInternalApiClient('notifier', options);
  return {
    listDeliveries: (actor, query, requestId) => http.request('GET', '/deliveries', { actor, requestId, query: { ...query } }),
    getDelivery: (actor, id, requestId) => http.request('GET', `/deliveries/${encodeURIComponent(id)}`, { actor, requestId }),
  };
}
