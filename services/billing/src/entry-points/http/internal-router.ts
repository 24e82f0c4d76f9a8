import { Router } from 'express';
import { z } from 'zod';
import { isDay, parseInput, requireInternalCaller, type InternalCallers } from '@marketbill/platform';
import { getLedger } from '../../use-cases/get-ledger';
import { getStatement } from '../../use-cases/get-statement';
import { getStatementDownload } from '../../use-cases/get-statement-download';
import { issueStatement } from '../../use-cases/issue-statement';
import type { IssuingDeps } from '../../use-cases/issuing-deps';
import { listStatements } from '../../use-cases/list-statements';
import { recordPayment } from '../../use-cases/record-payment';
import { reissueStatement } from '../../use-cases/reissue-statement';
import { idempotencyKeyOf, requireActor } from './request-context';
import { toLedgerView, toPaymentView, toStatementDetail, toStatementSummary } from './views';

const day = z.string().refine(isDay, 'must be a day YYYY-MM-DD');
const idParam = z.object({ id: z.uuid() });

const listQuery = z.object({
  retailerId: z.uuid().optional(),
  wholesalerId: z.uuid().optional(),
  from: day.optional(),
  to: day.optional(),
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
});

/** Order id → the version the edge holds; billing waits until its view has caught up (see awaitOrderViews). */
const expectedVersions = z.record(z.uuid(), z.number().int().positive()).optional();

const issueBody = z.union([
  z.object({ orderIds: z.array(z.uuid()).min(1).max(100), expectedVersions }).strict(),
  z.object({ retailerId: z.uuid(), day, expectedVersions }).strict(),
]);

const reissueBody = z.object({ expectedVersions }).strict();

const ledgerQuery = z.object({ retailerId: z.uuid().optional(), wholesalerId: z.uuid().optional() });

const paymentBody = z
  .object({
    retailerId: z.uuid(),
    // The limit (below 10^13) is checked by recordPayment: 422 payment-limit-exceeded, not a 400.
    amount: z.number().int().positive(),
    paidAt: z.iso.datetime({ offset: true }).optional(),
    memo: z.string().trim().max(200).optional(),
  })
  .strict();

/**
 * Billing's internal API under /internal/v1, called by the ordering edge only: the caller's own
 * bearer token (INTERNAL_API_CALLERS) on every route, the acting user in X-MarketBill-Actor, and
 * billing's own ownership checks on its data.
 */
export function createInternalRouter(deps: IssuingDeps, internalApiCallers: InternalCallers): Router {
  const router = Router();
  router.use(requireInternalCaller(internalApiCallers));
  const em = () => deps.orm.em.fork();

  router.get('/statements', async (req, res) => {
    const actor = requireActor(req);
    const query = parseInput(listQuery, req.query, 'query');
    const result = await listStatements(em(), actor, query);
    res.json({ items: result.items.map(toStatementSummary), page: result.page, size: result.size, total: result.total });
  });

  router.post('/statements', async (req, res) => {
    const actor = requireActor(req);
    const key = idempotencyKeyOf(req);
    const body = parseInput(issueBody, req.body);
    const { statement, replayed } = await issueStatement(deps, actor, body, key);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).json(toStatementDetail({ statement, ordersChanged: false }));
  });

  router.get('/statements/:id', async (req, res) => {
    const actor = requireActor(req);
    const { id } = parseInput(idParam, req.params, 'path');
    res.json(toStatementDetail(await getStatement(em(), actor, id)));
  });

  router.post('/statements/:id/reissue', async (req, res) => {
    const actor = requireActor(req);
    const { id } = parseInput(idParam, req.params, 'path');
    const { expectedVersions: versions } = parseInput(reissueBody, req.body ?? {});
    const { statement, replayed } = await reissueStatement(deps, actor, id, idempotencyKeyOf(req), versions ?? {});
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).json(toStatementDetail({ statement, ordersChanged: false }));
  });

  router.get('/statements/:id/download', async (req, res) => {
    const actor = requireActor(req);
    const { id } = parseInput(idParam, req.params, 'path');
    const { url, expiresAt } = await getStatementDownload(em(), deps.store, actor, id);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ url, expiresAt: expiresAt.toISOString() });
  });

  router.get('/ledger', async (req, res) => {
    const actor = requireActor(req);
    const query = parseInput(ledgerQuery, req.query, 'query');
    res.json(toLedgerView(await getLedger(em(), actor, query)));
  });

  router.post('/payments', async (req, res) => {
    const actor = requireActor(req);
    const key = idempotencyKeyOf(req);
    const body = parseInput(paymentBody, req.body);
    const { payment, replayed } = await recordPayment(em(), actor, { ...body, paidAt: body.paidAt ? new Date(body.paidAt) : undefined }, key);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).json(toPaymentView(payment));
  });

  return router;
}
