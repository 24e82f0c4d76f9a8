
import type { Actor, BillingApi } from '@marketbill/schemas';
import { createInternalApiClient } from './internal-api';

// Billing's internal API as the edge uses it, typed by the types generated from billing's committed
// contract (schemas/billing/internal-api.openapi.json). Pages count from 0 there as at the edge, so
// queries and answers pass through unchanged.

/** Statements, ledger and payments, always on behalf of an actor (billing checks ownership again). */
export interface BillingClient {
  listStatements(actor: Actor, query: BillingApi.ListStatementsQuery, requestId: string): Promise<BillingApi.StatementPage>;
  issueStatement(actor: Actor, body: BillingApi.IssueRequest, idempotencyKey: string | undefined, requestId: string): Promise<BillingApi.StatementDetail>;
  getStatement(actor: Actor, id: string, requestId: string): Promise<BillingApi.StatementDetail>;
  reissueStatement(actor: Actor, id: string, body: BillingApi.ReissueRequest, idempotencyKey: string | undefined, requestId: string): Promise<BillingApi.StatementDetail>;
  getStatementDownload(actor: Actor, id: string, requestId: string): Promise<BillingApi.StatementDownload>;
  getLedger(actor: Actor, query: BillingApi.GetLedgerQuery, requestId: string): Promise<BillingApi.Ledger>;
  recordPayment(actor: Actor, body: BillingApi.PaymentRequest, idempotencyKey: string | undefined, requestId: string): Promise<BillingApi.Payment>;
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
    listStatements: (actor, query, requestId) => http.request('GET', '/statements', { actor, requestId, query: { ...query } }),
    issueStatement: (actor, body, key, requestId) => http.request('POST', '/statements', { actor, requestId, body, headers: keyed(key) }),
    getStatement: (actor, id, requestId) => http.request('GET', `/statements/${seg(id)}`, { actor, requestId }),
    reissueStatement: (actor, id, body, key, requestId) => http.request('POST', `/statements/${seg(id)}/reissue`, { actor, requestId, body, headers: keyed(key) }),
    getStatementDownload: (actor, id, requestId) => http.request('GET', `/statements/${seg(id)}/download`, { actor, requestId }),
    getLedger: (actor, query, requestId) => http.request('GET', '/ledger', { actor, requestId, query: { ...query } }),
    recordPayment: (actor, body, key, requestId) => http.request('POST', '/payments', { actor, requestId, body, headers: keyed(key) }),
  };
}
