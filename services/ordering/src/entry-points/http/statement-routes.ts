import type { BillingClient } from '../../clients/billing-client';
import { expectedOrderVersions } from '../../use-cases/statements/expected-order-versions';
import { assertPaymentWithinLimit } from '../../domain/money-limits';
import { route, type RouteSpec } from './route';
import * as S from './statement-schemas';

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
      description: 'A retailer sees its statements, a wholesaler’s owner and staff theirs, ADMIN all; newest first. `from`/`to` bound the issue day (Seoul, inclusive).',
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
      description: 'Either `orderIds` (one order sheet, or several of ONE retailer; orders of several retailers: 409 orders-of-several-retailers) or `retailerId` and `day` (all of that retailer’s order sheets of that Seoul day). Refused while any included line is unpriced (409 order-unpriced), for a cancelled order (409 order-cancelled), for an order already on a current statement (409 order-already-stated), without a business profile (409 business-profile-missing), or for staff and retailers (403). Send an Idempotency-Key: a 503 means "retry with the same key". Publishes statement.issued (the retailer is texted a link).',
      forwardsIdempotencyKey: true,
      location: (b) => `/v1/statements/${String(b.id)}`,
      examples: { oneOrder: { summary: 'One order sheet', value: { orderIds: ['c1a7e0d4-5b8f-4e1a-9f3c-2d6b7a8e9f01'] } }, theDay: { summary: 'All of a retailer’s order sheets of a day', value: { retailerId: '9d2e4f61-7a3b-4c8d-8e9f-1a2b3c4d5e6f', day: '2026-11-26' } } },
      links: { GetStatement: { operationId: 'getStatement', description: 'The statement just issued.', parameters: { statementId: '$response.body#/id' } }, DownloadStatement: { operationId: 'downloadStatement', description: 'A link to its PDF.', parameters: { statementId: '$response.body#/id' } }, ReissueStatement: { operationId: 'reissueStatement', description: 'Re-issue it after an order changed.', parameters: { statementId: '$response.body#/id' } } },
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
      description: 'A statement the caller may see (anything else is 404), with its supplier block, lines and totals: 합계 (total), 전잔액 (previous balance), 입금 (payments) and 잔액 (balance).',
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
      description: 'A new version with the orders as they are now; it keeps the number and supersedes this one (the old PDF stays). Only the current version can be re-issued (409 statement-superseded). Send an Idempotency-Key to make a retry safe.',
      forwardsIdempotencyKey: true,
      location: (b) => `/v1/statements/${String(b.id)}`,
      links: { GetStatement: { operationId: 'getStatement', description: 'The new version.', parameters: { statementId: '$response.body#/id' } }, DownloadStatement: { operationId: 'downloadStatement', description: 'A link to the new version’s PDF.', parameters: { statementId: '$response.body#/id' } } },
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
      description: 'Handed out only to whoever may see the statement. The link is a presigned GET of this version’s PDF at the object store; it expires after a few minutes (`expiresAt`) and downloads as 거래명세서_<number>.pdf. Browsers on the allowed web origins can fetch it too: the store answers CORS for them.',
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
      description: 'The balance and entries between one wholesaler and one retailer: a wholesaler passes retailerId, a retailer passes wholesalerId (the other side is the caller; naming neither, or another party’s: 403).',
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
      description: 'A payment the wholesaler received from a retailer it has traded with (else 404 retailer-not-found): it lowers the balance at once and prints as 입금 on the next statement. Send an Idempotency-Key to make a retry safe.',
      forwardsIdempotencyKey: true,
      examples: { transfer: { summary: 'A bank transfer received this morning', value: { retailerId: '9d2e4f61-7a3b-4c8d-8e9f-1a2b3c4d5e6f', amount: 130000, paidAt: '2026-11-27T09:30:00+09:00', memo: '농협 이체' } } },
      links: { GetLedger: { operationId: 'getLedger', description: 'The ledger with the payment.', parameters: { retailerId: '$response.body#/retailerId' } } },
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
