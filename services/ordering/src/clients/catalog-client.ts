
import type { Actor, CatalogApi } from '@marketbill/schemas';
import { createInternalApiClient } from './internal-api';

// Catalog's internal API as the edge uses it, typed by the types generated from catalog's committed
// contract (schemas/catalog/internal-api.openapi.json) rather than by a copy of catalog's shapes.

/** The catalog's internal API as the edge uses it. */
export interface CatalogClient {
  listItems(query: CatalogApi.ListItemsQuery, requestId?: string): Promise<CatalogApi.CatalogItemPage>;
  listVarieties(query: CatalogApi.SearchVarietiesQuery, requestId?: string): Promise<CatalogApi.VarietyPage>;
  getVariety(id: string, requestId?: string): Promise<CatalogApi.VarietyDetail>;
  getPriceHistory(id: string, query: CatalogApi.GetPriceHistoryQuery, requestId?: string): Promise<CatalogApi.PriceHistory>;
  curateVariety(id: string, body: CatalogApi.VarietyCuration, actor: Actor, requestId?: string): Promise<CatalogApi.VarietySummary>;
  curateItem(id: string, body: CatalogApi.ItemCuration, actor: Actor, requestId?: string): Promise<CatalogApi.CatalogItem>;
}

/**
 * Browsing goes to catalog over HTTP rather than to a copy kept here: catalog owns colours, images,
 * search (초성 matching) and the price history, and copying all that would mean re-implementing it.
 * What ordering itself must know to accept a cart line and to suggest prices is in its own read
 * model, fed by auction.price.updated, so ordering keeps taking orders while catalog is down; only
 * browsing answers 503 catalog-unavailable then (time-out, network error or 5xx).
 */
export function createCatalogClient(options: { baseUrl: string; token: string; timeoutMs: number }): CatalogClient {
  const http = createInternalApiClient('catalog', options);
  const seg = encodeURIComponent;
  const rid = (requestId?: string) => (requestId ? { requestId } : {});
  return {
    listItems: (query, requestId) => http.request('GET', '/items', { query: { ...query }, ...rid(requestId) }),
    listVarieties: (query, requestId) => http.request('GET', '/varieties', { query: { ...query }, ...rid(requestId) }),
    getVariety: (id, requestId) => http.request('GET', `/varieties/${seg(id)}`, rid(requestId)),
    getPriceHistory: (id, query, requestId) => http.request('GET', `/varieties/${seg(id)}/prices`, { query: { ...query }, ...rid(requestId) }),
    curateVariety: (id, body, actor, requestId) => http.request('PATCH', `/varieties/${seg(id)}`, { body, actor, ...rid(requestId) }),
    curateItem: (id, body, actor, requestId) => http.request('PATCH', `/items/${seg(id)}`, { body, actor, ...rid(requestId) }),
  };
}
