import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { seoulDay } from '@marketbill/platform';
import {
  BusinessProfileMissingError,
  IdempotencyKeyReusedError,
  OrderCancelledError,
  OrderUnpricedError,
  StatementInProgressError,
} from '../domain/billing-errors';
import { unpricedLines, type OrderSheet } from '../domain/order-sheet';
import { formatStatementNumber, statementPeriod, statementTotal, toStatementLines, type LedgerFigures, type StatementContent } from '../domain/statement';
import type { WholesalerProfile } from '../domain/wholesaler-profile';
import { StatementSchema, type LedgerAccountRow, type StatementRow } from '../data-access/entities';
import { findStatement, findStatementByIdempotencyKey, nextStatementSequence, takeLease } from '../data-access/statement-repository';
import { findRetailerProfile } from '../data-access/retailer-profile-repository';

/** What the first transaction of an issue decided: the statement exists already, or is reserved for rendering. */
export type Reservation = { kind: 'issued'; statement: StatementRow } | { kind: 'reserved'; statementId: string; statement?: StatementRow };

/**
 * Looks for an earlier request with the same Idempotency-Key: a different request under the key
 * is refused; an issued statement is returned as it is; a reservation left by a failed attempt is
 * resumed (when no one else is working on it).
 */
export async function replayByIdempotencyKey(
  em: EntityManager,
  wholesalerId: string,
  key: string | undefined,
  fingerprint: string,
  leaseSeconds: number,
): Promise<Reservation | undefined> {
  if (!key) return undefined;
  const earlier = await findStatementByIdempotencyKey(em, wholesalerId, key);
  if (!earlier) return undefined;
  if (earlier.requestFingerprint !== fingerprint) throw IdempotencyKeyReusedError.forKey(key);
  return resumeOrRefuse(em, earlier, leaseSeconds);
}

/** An existing statement for the same request: issued → returned; reserved → resumed if its lease is free. */
export async function resumeOrRefuse(em: EntityManager, statement: StatementRow, leaseSeconds: number): Promise<Reservation> {
  if (statement.status === 'ISSUED') return { kind: 'issued', statement };
  if (statement.status === 'RESERVED' && (await takeLease(em, statement.id, leaseSeconds))) return { kind: 'reserved', statementId: statement.id };
  throw StatementInProgressError.forPair(statement.id);
}

/** The refusals every issue and re-issue share, in the order a wholesaler can act on them. */
export function assertIssuable(orders: OrderSheet[], profile: WholesalerProfile | undefined, wholesalerId: string): asserts profile is WholesalerProfile {
  const cancelled = orders.filter((o) => o.status === 'CANCELLED');
  if (cancelled.length > 0) throw OrderCancelledError.orders(cancelled.map((o) => ({ orderId: o.orderId, orderNumber: o.orderNumber })));
  if (!profile) throw BusinessProfileMissingError.forWholesaler(wholesalerId);
  const unpriced = unpricedLines(orders);
  if (unpriced.length > 0) throw OrderUnpricedError.lines(unpriced);
}

/**
 * Refuses a second statement for the pair while one is being rendered: the footer of a statement
 * depends on the pair's ledger, so two in flight would print the same payments twice. A
 * reservation whose lease ran out stays in flight until the resume job finishes or releases it.
 */
export async function assertNothingInFlight(em: EntityManager, account: LedgerAccountRow): Promise<void> {
  if (!account.statementInFlight) return;
  const inFlight = await findStatement(em, account.statementInFlight);
  if (inFlight?.status === 'RESERVED') throw StatementInProgressError.forPair(inFlight.id);
  account.statementInFlight = null;
}

/** Builds and persists a reservation: number, frozen content and figures, lease; the pair's in-flight mark. */
export async function insertReservation(
  em: EntityManager,
  args: {
    wholesalerId: string;
    profile: WholesalerProfile;
    orders: OrderSheet[];
    account: LedgerAccountRow;
    figuresFor: (total: number) => LedgerFigures;
    idempotencyKey: string | undefined;
    fingerprint: string;
    leaseSeconds: number;
    /** For a re-issue: the number kept and the version superseded. */
    supersedes?: StatementRow;
  },
): Promise<StatementRow> {
  const { wholesalerId, profile, orders, account, supersedes } = args;
  const now = new Date();
  const issueDay = seoulDay(now);
  const number = supersedes ? supersedes.number : formatStatementNumber(issueDay, await nextStatementSequence(em, wholesalerId, statementPeriod(issueDay)));
  const lines = toStatementLines(orders);
  const total = statementTotal(lines);
  const figures = args.figuresFor(total);
  const first = [...orders].sort((a, b) => b.placedAt.getTime() - a.placedAt.getTime())[0] as OrderSheet;
  const { version: _profileVersion, ...supplier } = profile;
  // The buyer block prints the retailer's business profile as it stands now, frozen with the statement.
  const buyerProfile = await findRetailerProfile(em, first.retailer.id);
  const business = buyerProfile
    ? { businessNumber: buyerProfile.businessNumber, companyName: buyerProfile.companyName, representative: buyerProfile.representative, address: buyerProfile.address, businessType: buyerProfile.businessType, businessItem: buyerProfile.businessItem }
    : null;
  const content: StatementContent = {
    number,
    version: supersedes ? supersedes.version + 1 : 1,
    issueDay,
    supplier,
    buyer: { ...first.retailer, business },
    orders: [...orders]
      .sort((a, b) => a.orderNumber.localeCompare(b.orderNumber))
      .map((o) => ({ orderId: o.orderId, orderNumber: o.orderNumber, orderVersion: o.version, saleDay: o.saleDay })),
    lines,
    figures,
  };
  const statement = em.create(StatementSchema, {
    id: randomUUID(),
    wholesalerId,
    retailerId: first.retailer.id,
    number,
    version: content.version,
    status: 'RESERVED',
    supersedesId: supersedes?.id ?? null,
    supersededById: null,
    idempotencyKey: args.idempotencyKey ?? null,
    requestFingerprint: args.fingerprint,
    issueDay,
    content,
    lineCount: lines.length,
    total,
    previousBalance: figures.previousBalance,
    payments: figures.payments,
    balance: figures.balance,
    reservedAt: now,
    leaseUntil: new Date(now.getTime() + args.leaseSeconds * 1000),
    attempts: 0,
    lastError: null,
    issuedAt: null,
    releasedAt: null,
    bucket: null,
    objectKey: null,
    sha256: null,
    sizeBytes: null,
    pages: null,
  });
  em.persist(statement);
  account.statementInFlight = statement.id;
  return statement;
}
