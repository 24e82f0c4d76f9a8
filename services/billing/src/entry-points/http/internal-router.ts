import { Router } from 'express';
import { buildInternalApiDocument, createOperationsRouter, internalOperation, requireInternalCaller, type InternalCallers, type InternalOperation } from '@marketbill/platform';
import { getLedger } from '../../use-cases/get-ledger';
import { getStatement } from '../../use-cases/get-statement';
import { getStatementDownload } from '../../use-cases/get-statement-download';
import { issueStatement } from '../../use-cases/issue-statement';
import type { IssuingDeps } from '../../use-cases/issuing-deps';
import { listStatements } from '../../use-cases/list-statements';
import { recordPayment } from '../../use-cases/record-payment';
import { reissueStatement } from '../../use-cases/reissue-statement';
import {
  catalogue,
  idParams,
  IssueRequest,
  Ledger,
  ledgerQuery,
  listQuery,
  Payment,
  PaymentRequest,
  ReissueRequest,
  StatementDetail,
  StatementDownload,
  StatementPage,
} from './internal-api-schemas';
import { idempotencyKeyOf, requireActor } from './request-context';
import { toLedgerView, toPaymentView, toStatementDetail, toStatementSummary } from './views';

const tags = ['statements'];

/** Billing's internal operations: each one declared once, mounted and documented from that declaration. */
export function billingOperations(deps: IssuingDeps): InternalOperation[] {
  const em = () => deps.orm.em.fork();
  return [
    internalOperation({
      method: 'get',
      path: '/statements',
      operationId: 'listStatements',
      summary: 'Issued statements the actor may see, every version, newest first.',
      description: 'A wholesaler’s owner and staff see their wholesaler’s, a retailer those addressed to it, an admin all; naming someone else’s id is 403 forbidden. `from`/`to` filter the Seoul issue day.',
      tags,
      actor: 'required',
      query: listQuery,
      status: 200,
      response: StatementPage,
      errors: [403],
      async run({ query, req }) {
        const result = await listStatements(em(), requireActor(req), query);
        return { items: result.items.map(toStatementSummary), page: result.page, size: result.size, total: result.total };
      },
    }),
    internalOperation({
      method: 'post',
      path: '/statements',
      operationId: 'issueStatement',
      summary: 'Issues a statement of order sheets, or of a retailer’s day.',
      description: 'WHOLESALER_OWNER only. `Idempotency-Key` (1–200 printable ASCII) is kept with the statement: a retry gets the same statement with `Idempotent-Replayed: true`.',
      tags,
      actor: 'required',
      body: IssueRequest,
      status: 201,
      response: StatementDetail,
      errors: [403, 404, 409, 422],
      async run({ body, req, res }) {
        const { statement, replayed } = await issueStatement(deps, requireActor(req), body, idempotencyKeyOf(req));
        if (replayed) res.setHeader('Idempotent-Replayed', 'true');
        return toStatementDetail({ statement, ordersChanged: false });
      },
    }),
    internalOperation({
      method: 'get',
      path: '/statements/{id}',
      operationId: 'getStatement',
      summary: 'One statement: summary, supplier, lines and document facts.',
      description: 'A statement the actor may not see is 404 statement-not-found (no existence leak).',
      tags,
      actor: 'required',
      params: idParams,
      status: 200,
      response: StatementDetail,
      errors: [404],
      async run({ params, req }) {
        return toStatementDetail(await getStatement(em(), requireActor(req), params.id));
      },
    }),
    internalOperation({
      method: 'post',
      path: '/statements/{id}/reissue',
      operationId: 'reissueStatement',
      summary: 'Issues a new version of a statement.',
      description: 'WHOLESALER_OWNER only; a superseded version is 409 statement-superseded. `Idempotency-Key` honoured as for issuing.',
      tags,
      actor: 'required',
      params: idParams,
      body: ReissueRequest,
      status: 201,
      response: StatementDetail,
      errors: [403, 404, 409, 422],
      async run({ params, body, req, res }) {
        const { statement, replayed } = await reissueStatement(deps, requireActor(req), params.id, idempotencyKeyOf(req), body.expectedVersions ?? {});
        if (replayed) res.setHeader('Idempotent-Replayed', 'true');
        return toStatementDetail({ statement, ordersChanged: false });
      },
    }),
    internalOperation({
      method: 'get',
      path: '/statements/{id}/download',
      operationId: 'getStatementDownload',
      summary: 'A presigned S3 GET of the statement’s PDF.',
      description: 'Valid a few minutes; answered with Cache-Control: no-store.',
      tags,
      actor: 'required',
      params: idParams,
      status: 200,
      response: StatementDownload,
      errors: [404],
      async run({ params, req, res }) {
        const { url, expiresAt } = await getStatementDownload(em(), deps.store, requireActor(req), params.id);
        res.setHeader('Cache-Control', 'no-store');
        return { url, expiresAt: expiresAt.toISOString() };
      },
    }),
    internalOperation({
      method: 'get',
      path: '/ledger',
      operationId: 'getLedger',
      summary: 'The ledger between a wholesaler and a retailer, entries in the order written.',
      description: 'The wholesaler side names `retailerId`, the retailer side `wholesalerId`, an admin both; a pair that never traded is 404 ledger-not-found.',
      tags,
      actor: 'required',
      query: ledgerQuery,
      status: 200,
      response: Ledger,
      errors: [403, 404],
      async run({ query, req }) {
        return toLedgerView(await getLedger(em(), requireActor(req), query));
      },
    }),
    internalOperation({
      method: 'post',
      path: '/payments',
      operationId: 'recordPayment',
      summary: 'Records a payment received from a retailer.',
      description: 'Owner or staff of the wholesaler. An amount of 10^13 or more is 422 payment-limit-exceeded. `Idempotency-Key` honoured.',
      tags,
      actor: 'required',
      body: PaymentRequest,
      status: 201,
      response: Payment,
      errors: [403, 404, 422],
      async run({ body, req, res }) {
        const { payment, replayed } = await recordPayment(em(), requireActor(req), { ...body, paidAt: body.paidAt ? new Date(body.paidAt) : undefined }, idempotencyKeyOf(req));
        if (replayed) res.setHeader('Idempotent-Replayed', 'true');
        return toPaymentView(payment);
      },
    }),
  ];
}

/**
 * Billing's internal API under /internal/v1, called by the ordering edge only: the caller's own
 * bearer token (INTERNAL_API_CALLERS) on every route, the acting user in X-MarketBill-Actor, and
 * billing's own ownership checks on its data.
 */
export function createInternalRouter(deps: IssuingDeps, internalApiCallers: InternalCallers): Router {
  return Router().use(requireInternalCaller(internalApiCallers), createOperationsRouter(billingOperations(deps)));
}

/** The contract committed as schemas/billing/internal-api.openapi.json (built without any I/O). */
export function internalApiDocument(): Record<string, unknown> {
  return buildInternalApiDocument({
    title: 'MarketBill billing — internal API',
    description: 'Statements (거래명세서), the ledger and payments, for the ordering edge. Pages count from 0, as at the edge.',
    version: '1',
    operations: billingOperations({} as IssuingDeps),
    catalogue,
  });
}
