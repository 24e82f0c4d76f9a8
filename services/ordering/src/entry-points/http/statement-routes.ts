import type { BillingClient } from '../../clients/billing-client';
import { expectedOrderVersions } from '../../use-cases/statements/expected-order-versions';
import { assertPaymentWithinLimit } from '../../domain/money-limits';
import { route, type RouteSpec } from './route';
import * as S from './schemas';

const EVERY_TRADER = ['RETAILER', 'WHOLESALER_OWNER', 'WHOLESALER_STAFF', 'ADMIN'] as const;

/**
 * Statements (거래명세서), the ledger and payments: passed through to billing with the actor, so
 * billing — which holds the statements — checks ownership (a retailer sees its own, a wholesaler's
 * owner and staff theirs, ADMIN all; anything else is a 404). Only a WHOLESALER_OWNER issues and
 * re-issues; owner and staff record payments. `Idempotency-Key` is forwarded to billing, which keeps
 * it with the statement, so a retried issue returns the same statement.
 */
export function statementRoutes(billing: BillingClient): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/v1/statements',
      operationId: 'listStatements',
      summary: 'Statements the caller may see, newest first',
      tags: ['statements'],
      auth: 'bearer',
      roles: EVERY_TRADER,
      query: S.statementQuery,
      status: 200,
      response: S.StatementPage,
      errors: [503],
      run: ({ actor, query, requestId }) => billing.listStatements(actor, query, requestId),
    }),
    route({
      method: 'post',
      path: '/v1/statements',
      operationId: 'issueStatement',
      summary: 'Issue a statement for order sheets, or for a retailer’s order sheets of one day (owner)',
      description:
        'Refused while any included line is unpriced (409 order-unpriced), without a business profile (409 business-profile-missing), or for staff and retailers (403). Send an Idempotency-Key: a 503 means "retry with the same key".',
      tags: ['statements'],
      auth: 'bearer',
      roles: ['WHOLESALER_OWNER'],
      body: S.StatementRequest,
      status: 201,
      response: S.StatementDetail,
      errors: [403, 404, 409, 422, 503],
      run: async ({ actor, body, ctx, idempotencyKey, requestId }) =>
        billing.issueStatement(actor, { ...body, expectedVersions: await expectedOrderVersions(ctx, actor, body) }, idempotencyKey, requestId),
    }),
    route({
      method: 'get',
      path: '/v1/statements/{statementId}',
      operationId: 'getStatement',
      summary: 'A statement with its lines',
      tags: ['statements'],
      auth: 'bearer',
      roles: EVERY_TRADER,
      params: S.idParam('statementId'),
      status: 200,
      response: S.StatementDetail,
      errors: [404, 503],
      run: ({ actor, params, requestId }) => billing.getStatement(actor, params.statementId as string, requestId),
    }),
    route({
      method: 'post',
      path: '/v1/statements/{statementId}/reissue',
      operationId: 'reissueStatement',
      summary: 'Re-issue: a new version that supersedes this one (the old PDF is kept) (owner)',
      tags: ['statements'],
      auth: 'bearer',
      roles: ['WHOLESALER_OWNER'],
      params: S.idParam('statementId'),
      status: 201,
      response: S.StatementDetail,
      errors: [403, 404, 409, 503],
      run: async ({ actor, params, ctx, idempotencyKey, requestId }) => {
        // The orders it covers, as billing has them, then their versions here (see expectedOrderVersions).
        const current = (await billing.getStatement(actor, params.statementId as string, requestId)) as { orders: Array<{ orderId: string }> };
        const expectedVersions = await expectedOrderVersions(ctx, actor, { orderIds: current.orders.map((o) => o.orderId) });
        return billing.reissueStatement(actor, params.statementId as string, { expectedVersions }, idempotencyKey, requestId);
      },
    }),
    route({
      method: 'get',
      path: '/v1/statements/{statementId}/download',
      operationId: 'downloadStatement',
      summary: 'A short-lived link to the statement’s PDF',
      description: 'Handed out only to whoever may see the statement; the link expires after a few minutes.',
      tags: ['statements'],
      auth: 'bearer',
      roles: EVERY_TRADER,
      params: S.idParam('statementId'),
      status: 200,
      response: S.StatementDownload,
      errors: [404, 503],
      run: ({ actor, params, requestId }) => billing.getStatementDownload(actor, params.statementId as string, requestId),
    }),
    route({
      method: 'get',
      path: '/v1/ledger',
      operationId: 'getLedger',
      summary: 'The balance and entries between a wholesaler and a retailer',
      description: 'A wholesaler passes retailerId; a retailer passes wholesalerId.',
      tags: ['statements'],
      auth: 'bearer',
      roles: EVERY_TRADER,
      query: S.ledgerQuery,
      status: 200,
      response: S.Ledger,
      errors: [404, 503],
      run: ({ actor, query, requestId }) => billing.getLedger(actor, query, requestId),
    }),
    route({
      method: 'post',
      path: '/v1/payments',
      operationId: 'recordPayment',
      summary: 'Record a payment received from a retailer (owner or staff)',
      tags: ['statements'],
      auth: 'bearer',
      roles: ['WHOLESALER_OWNER', 'WHOLESALER_STAFF'],
      body: S.PaymentInput,
      status: 201,
      response: S.Payment,
      errors: [403, 404, 422, 503],
      run: ({ actor, body, idempotencyKey, requestId }) => {
        assertPaymentWithinLimit(body.amount);
        return billing.recordPayment(actor, body, idempotencyKey, requestId);
      },
    }),
  ];
}
