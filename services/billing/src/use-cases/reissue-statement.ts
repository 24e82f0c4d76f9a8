import type { Actor } from '@marketbill/schemas';
import { assertMayIssue } from '../domain/access';
import { OrderNotFoundError, StatementNotFoundError, StatementSupersededError } from '../domain/billing-errors';
import { reissueFigures } from '../domain/statement';
import { lockLedgerAccount } from '../data-access/ledger-repository';
import { findOrderSheets } from '../data-access/order-sheet-repository';
import { findStatement } from '../data-access/statement-repository';
import { findWholesalerProfile } from '../data-access/wholesaler-profile-repository';
import { awaitOrderViews } from './await-order-views';
import { finishStatement } from './finish-statement';
import type { IssueResult } from './issue-statement';
import type { IssuingDeps } from './issuing-deps';
import { requestFingerprint } from './request-fingerprint';
import { assertIssuable, assertNothingInFlight, insertReservation, leaseOf, replayByIdempotencyKey, type Reservation } from './reserve-statement';

/**
 * Re-issues a statement (owner only): a new version with the same number, built from the same order
 * sheets as they stand now and the current business profile, superseding the old version. Both
 * PDFs are kept. The footer keeps the old version's 전잔액 and 입금 (it is a corrected copy of the
 * same statement); the ledger reverses the old charge and charges the new total when it is issued.
 */
export async function reissueStatement(
  deps: IssuingDeps,
  actor: Actor,
  statementId: string,
  idempotencyKey?: string,
  expectedVersions: Record<string, number> = {},
): Promise<IssueResult> {
  const wholesalerId = assertMayIssue(actor);
  const fingerprint = requestFingerprint('reissue', { statementId });
  // A re-issue prints the orders as they stand now: wait until billing's view has the edge's versions.
  await awaitOrderViews(deps.orm, expectedVersions, deps.viewWaitMs);

  const reservation = await deps.orm.em.fork().transactional(async (em): Promise<Reservation> => {
    const replay = await replayByIdempotencyKey(em, wholesalerId, idempotencyKey, fingerprint, leaseOf(deps));
    if (replay) return replay;

    const current = await findStatement(em, statementId);
    if (!current || current.wholesalerId !== wholesalerId || current.status !== 'ISSUED') throw StatementNotFoundError.byId(statementId);
    if (current.supersededById) throw StatementSupersededError.by(statementId, current.supersededById);

    const account = await lockLedgerAccount(em, wholesalerId, current.retailerId);
    await assertNothingInFlight(em, account);
    // Under the pair's lock: a concurrent re-issue of the same version has finished or is in flight.
    await em.refresh(current);
    if (current.supersededById) throw StatementSupersededError.by(statementId, current.supersededById);

    const orderIds = current.content.orders.map((o) => o.orderId);
    const orders = await findOrderSheets(em, wholesalerId, orderIds);
    if (orders.length !== orderIds.length) throw OrderNotFoundError.byIds(orderIds.filter((id) => !orders.some((o) => o.orderId === id)));
    const profile = await findWholesalerProfile(em, wholesalerId);
    assertIssuable(orders, profile, wholesalerId);

    const statement = await insertReservation(em, {
      wholesalerId,
      profile,
      orders,
      account,
      figuresFor: (total) => reissueFigures(current.content.figures, total),
      idempotencyKey,
      fingerprint,
      lease: leaseOf(deps),
      supersedes: current,
    });
    return { kind: 'reserved', statementId: statement.id, statement };
  });

  if (reservation.kind === 'issued') return { statement: reservation.statement, replayed: true };
  return { statement: await finishStatement(deps, reservation.statementId, reservation.statement), replayed: false };
}
