import type { Actor } from '@marketbill/platform';
import { createInternalApiClient, type Page } from './internal-api';

// Types of catalog's internal API (the contract in the catalog issue): the edge passes these
// through, so they are declared once here and mirrored by the OpenAPI schemas of /v1/catalog.

export interface CatalogItem {
  id: string;
  category: string;
  name: string;
  imageUrl: string | null;
  varietyCount: number;
}

export interface VarietySummary {
  id: string;
  itemId: string;
  itemName: string;
  name: string;
  category: string;
  colour: string | null;
  imageUrls: string[];
  lastAuctionDate: string | null;
  latestAvgPrice: number | null;
}

export interface VarietyDetail extends VarietySummary {
  latestPrices: Array<{
    grade: string;
    saleDate: string;
    minPrice: number;
    avgPrice: number;
    maxPrice: number;
    totalQuantity: number;
    totalAmount: number;
    previous: { saleDate: string; avgPrice: number } | null;
    avgChange: number | null;
    avgChangeRate: number | null;
  }>;
}

export interface PriceHistory {
  varietyId: string;
  grade: string;
  points: Array<{ saleDate: string; minPrice: number; avgPrice: number; maxPrice: number; totalQuantity: number; totalAmount: number }>;
}

type Query = Record<string, string | number | undefined>;

/** The catalog's internal API as the edge uses it. */
export interface CatalogClient {
  listItems(query: Query, requestId?: string): Promise<Page<CatalogItem>>;
  listVarieties(query: Query, requestId?: string): Promise<Page<VarietySummary>>;
  getVariety(id: string, requestId?: string): Promise<VarietyDetail>;
  getPriceHistory(id: string, query: Query, requestId?: string): Promise<PriceHistory>;
  curateVariety(id: string, body: { colour?: string | null; imageUrls?: string[] }, actor: Actor, requestId?: string): Promise<VarietySummary>;
  curateItem(id: string, body: { imageUrl?: string | null }, actor: Actor, requestId?: string): Promise<CatalogItem>;
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
    listItems: (query, requestId) => http.request('GET', '/items', { query, ...rid(requestId) }),
    listVarieties: (query, requestId) => http.request('GET', '/varieties', { query, ...rid(requestId) }),
    getVariety: (id, requestId) => http.request('GET', `/varieties/${seg(id)}`, rid(requestId)),
    getPriceHistory: (id, query, requestId) => http.request('GET', `/varieties/${seg(id)}/prices`, { query, ...rid(requestId) }),
    curateVariety: (id, body, actor, requestId) => http.request('PATCH', `/varieties/${seg(id)}`, { body, actor, ...rid(requestId) }),
    curateItem: (id, body, actor, requestId) => http.request('PATCH', `/items/${seg(id)}`, { body, actor, ...rid(requestId) }),
  };
}
