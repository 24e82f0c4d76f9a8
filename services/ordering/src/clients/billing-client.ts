import type { Actor } from '@marketbill/platform';
import { createInternalApiClient, fromOneBasedPages, type Page } from './internal-api';

// Billing's internal API (the contract of the billing issue), as the edge uses it. Billing answers
// with 1-based pages; the public API counts pages from 0 like every other list of the edge, so the
// client converts both ways.

type Query = Record<string, string | number | undefined>;

/** Statements, ledger and payments, always on behalf of an actor (billing checks ownership again). */
export interface BillingClient {
  listStatements(actor: Actor, query: Query, requestId: string): Promise<Page<unknown>>;
  issueStatement(actor: Actor, body: unknown, idempotencyKey: string | undefined, requestId: string): Promise<unknown>;
  getStatement(actor: Actor, id: string, requestId: string): Promise<unknown>;
  reissueStatement(actor: Actor, id: string, body: unknown, idempotencyKey: string | undefined, requestId: string): Promise<unknown>;
  getStatementDownload(actor: Actor, id: string, requestId: string): Promise<{ url: string; expiresAt: string }>;
  getLedger(actor: Actor, query: Query, requestId: string): Promise<unknown>;
  recordPayment(actor: Actor, body: unknown, idempotencyKey: string | undefined, requestId: string): Promise<unknown>;
}

/**
 * Statements live in billing (issued PDFs, numbers, the ledger); the edge passes requests through
 * with the authenticated actor, and billing — which holds the data — checks that the actor may see
 * or change it (404 otherwise). `Idempotency-Key` is forwarded: billing keeps the key with its
 * change, so a retried "issue" never makes two statements. Outages become 503 billing-unavailable;
 * billing's own 503s (`order-view-behind`: its view of an order is not caught up yet) keep their code
 * and `Retry-After`.
 */
export function createBillingClient(options: { baseUrl: string; token: string; timeoutMs: number }): BillingClient {
  const http = createInternalApiClient('billing', options);
  const seg = encodeURIComponent;
  const keyed = (key: string | undefined): Record<string, string> => (key ? { 'idempotency-key': key } : {});
  return {
    listStatements: (actor, query, requestId) => fromOneBasedPages(query, (q) => http.request<Page<unknown>>('GET', '/statements', { actor, requestId, query: q })),
    issueStatement: (actor, body, key, requestId) => http.request('POST', '/statements', { actor, requestId, body, headers: keyed(key) }),
    getStatement: (actor, id, requestId) => http.request('GET', `/statements/${seg(id)}`, { actor, requestId }),
    reissueStatement: (actor, id, body, key, requestId) => http.request('POST', `/statements/${seg(id)}/reissue`, { actor, requestId, body, headers: keyed(key) }),
    getStatementDownload: (actor, id, requestId) => http.request('GET', `/statements/${seg(id)}/download`, { actor, requestId }),
    getLedger: (actor, query, requestId) => http.request('GET', '/ledger', { actor, requestId, query }),
    recordPayment: (actor, body, key, requestId) => http.request('POST', '/payments', { actor, requestId, body, headers: keyed(key) }),
  };
}
