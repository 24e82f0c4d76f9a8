import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '@marketbill/schemas';
import { assertMayIssue } from '../domain/access';
import { OrderAlreadyStatedError, OrderCancelledError, OrderNotFoundError, OrdersOfSeveralRetailersError, StatementInProgressError } from '../domain/billing-errors';
import type { OrderSheet } from '../domain/order-sheet';
import { firstIssueFigures } from '../domain/statement';
import { StatementOrderSchema, StatementSchema, type StatementRow } from '../data-access/entities';
import { lockLedgerAccount } from '../data-access/ledger-repository';
import { findOrderSheets, findOrderSheetsOfDay } from '../data-access/order-sheet-repository';
import { findStatement, findStatementOrders } from '../data-access/statement-repository';
import { findWholesalerProfile } from '../data-access/wholesaler-profile-repository';
import { awaitOrderViews } from './await-order-views';
import { finishStatement } from './finish-statement';
import type { IssuingDeps } from './issuing-deps';
import { requestFingerprint } from './request-fingerprint';
import { assertIssuable, assertNothingInFlight, insertReservation, leaseOf, replayByIdempotencyKey, resumeOrRefuse, type Reservation } from './reserve-statement';

/**
 * One order sheet or several of one retailer, or all of a retailer's order sheets of one Seoul day;
 * `expectedVersions` (order id → version, from the edge) makes the issue wait for billing's view.
 */
export type IssueStatementInput = ({ orderIds: string[] } | { retailerId: string; day: string }) & { expectedVersions?: Record<string, number> | undefined };

export interface IssueResult {
  statement: StatementRow;
  /** True when an earlier identical request had issued it already (the Idempotency-Key replay). */
  replayed: boolean;
}

/**
 * Issues a statement (거래명세서): WHOLESALER_OWNER only.
 *
 * 1. One transaction reserves it: checks the orders (the wholesaler's, one retailer, none
 *    cancelled, every line priced, none on another statement) and the business profile, takes the
 *    next number, freezes the lines and the ledger figures, and marks the pair as having a statement
 *    in flight.
 * 2. {@link finishStatement} renders and stores the PDF outside any transaction, then issues it in a
 *    second transaction (ledger charge, outbox event).
 * A retry — same Idempotency-Key, or the same orders — resumes a reservation left by a failure.
 */
export async function issueStatement(deps: IssuingDeps, actor: Actor, input: IssueStatementInput, idempotencyKey?: string): Promise<IssueResult> {
  const wholesalerId = assertMayIssue(actor);
  const normalised = 'orderIds' in input ? { orderIds: [...new Set(input.orderIds)].sort() } : { retailerId: input.retailerId, day: input.day };
  const fingerprint = requestFingerprint('issue', normalised);
  await awaitOrderViews(deps.orm, input.expectedVersions ?? {}, deps.viewWaitMs);

  const reservation = await deps.orm.em.fork().transactional(async (em): Promise<Reservation> => {
    const replay = await replayByIdempotencyKey(em, wholesalerId, idempotencyKey, fingerprint, leaseOf(deps));
    if (replay) return replay;

    const orders = await loadOrders(em, wholesalerId, normalised);
    const retailers = [...new Set(orders.map((o) => o.retailer.id))];
    if (retailers.length > 1) throw OrdersOfSeveralRetailersError.among(retailers);
    const profile = await findWholesalerProfile(em, wholesalerId);
    assertIssuable(orders, profile, wholesalerId);

    // From here on the pair is locked: concurrent issues for it queue here, then see each other's work.
    const account = await lockLedgerAccount(em, wholesalerId, retailers[0] as string);
    const earlier = await earlierStatementFor(em, orders);
    if (earlier) return resumeOrRefuse(em, earlier, leaseOf(deps));
    await assertNothingInFlight(em, account);

    const statement = await insertReservation(em, {
      wholesalerId,
      profile,
      orders,
      account,
      figuresFor: (total) => firstIssueFigures(account.balance, account.unbilledPayments, total),
      idempotencyKey,
      fingerprint,
      lease: leaseOf(deps),
    });
    for (const order of orders) {
      em.persist(
        em.create(StatementOrderSchema, {
          orderId: order.orderId,
          wholesalerId,
          statementNumber: statement.number,
          statementId: statement.id,
          orderVersion: order.version,
        }),
      );
    }
    return { kind: 'reserved', statementId: statement.id, statement };
  });

  if (reservation.kind === 'issued') return { statement: reservation.statement, replayed: true };
  const statement = await finishStatement(deps, reservation.statementId, reservation.statement);
  return { statement, replayed: false };
}

async function loadOrders(em: EntityManager, wholesalerId: string, input: { orderIds: string[] } | { retailerId: string; day: string }): Promise<OrderSheet[]> {
  if ('orderIds' in input) {
    const orders = await findOrderSheets(em, wholesalerId, input.orderIds);
    const found = new Set(orders.map((o) => o.orderId));
    const missing = input.orderIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw OrderNotFoundError.byIds(missing);
    return orders;
  }
  const ofDay = await findOrderSheetsOfDay(em, wholesalerId, input.retailerId, input.day);
  const live = ofDay.filter((o) => o.status !== 'CANCELLED');
  if (live.length === 0) {
    if (ofDay.length > 0) throw OrderCancelledError.orders(ofDay.map((o) => ({ orderId: o.orderId, orderNumber: o.orderNumber })));
    throw OrderNotFoundError.forDay(input.retailerId, input.day);
  }
  return live;
}

/**
 * The statement these orders are already on, when the request repeats one in flight (exactly the
 * same orders, not issued yet): that reservation is resumed. Orders on an issued statement, or on a
 * statement with other orders, are refused.
 */
async function earlierStatementFor(em: EntityManager, orders: OrderSheet[]): Promise<StatementRow | undefined> {
  const rows = await findStatementOrders(em, orders.map((o) => o.orderId));
  if (rows.length === 0) return undefined;
  const statementIds = [...new Set(rows.map((r) => r.statementId))];
  if (statementIds.length === 1 && rows.length === orders.length) {
    const statement = await findStatement(em, statementIds[0] as string);
    if (statement?.status === 'RESERVED' && statement.content.orders.length === orders.length) return statement;
  }
  const statements = await em.find(StatementSchema, { id: { $in: statementIds } });
  const reserved = statements.find((s) => s.status === 'RESERVED');
  if (reserved) throw StatementInProgressError.forPair(reserved.id);
  throw OrderAlreadyStatedError.on(rows.map((r) => ({ orderId: r.orderId, statementId: r.statementId, statementNumber: r.statementNumber })));
}
