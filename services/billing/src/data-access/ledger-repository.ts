import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LedgerAccountSchema, LedgerEntrySchema, type LedgerAccountRow, type LedgerEntryRow, type PaymentRow } from './entities';
import { tableOf } from './sql';

/**
 * The pair's account, row-locked until the transaction ends (created at zero when new). Every
 * ledger write of a pair goes through this lock, so a pair's entries are written one at a time
 * and their `seq` order is their commit order.
 */
export async function lockLedgerAccount(em: EntityManager, wholesalerId: string, retailerId: string, options: { create?: boolean } = {}): Promise<LedgerAccountRow> {
  if (options.create !== false) await em.execute(
    `insert into ${tableOf(em, 'ledger_account')} (wholesaler_id, retailer_id) values (?, ?) on conflict do nothing`,
    [wholesalerId, retailerId],
  );
  const account = await em.findOne(LedgerAccountSchema, { wholesalerId, retailerId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!account) throw new Error('ledger account vanished');
  return account;
}

export function findLedgerAccount(em: EntityManager, wholesalerId: string, retailerId: string): Promise<LedgerAccountRow | null> {
  return em.findOne(LedgerAccountSchema, { wholesalerId, retailerId });
}

/** Adds an entry (persisted when the transaction flushes). */
export function addLedgerEntry(em: EntityManager, entry: LedgerEntryRow): LedgerEntryRow {
  const created = em.create(LedgerEntrySchema, entry);
  em.persist(created);
  return created;
}

export async function findPaymentByIdempotencyKey(em: EntityManager, wholesalerId: string, key: string): Promise<PaymentRow | null> {
  const row = await em.findOne(LedgerEntrySchema, { wholesalerId, idempotencyKey: key, kind: 'PAYMENT' });
  return row ? asPayment(row) : null;
}

/** Adds a payment (persisted when the transaction flushes). */
export function addPayment(em: EntityManager, payment: PaymentRow): PaymentRow {
  return asPayment(addLedgerEntry(em, payment));
}

/** A ledger entry as the payment it is; the schema's check guarantees the recorder. */
function asPayment(row: LedgerEntryRow): PaymentRow {
  if (row.kind !== 'PAYMENT' || row.recordedBy === null) throw new Error(`ledger entry ${row.id} is not a recorded payment`);
  return row as PaymentRow;
}

/** The pair's entries in the order they were written. */
export async function listLedgerEntries(em: EntityManager, wholesalerId: string, retailerId: string): Promise<LedgerEntryRow[]> {
  const rows = await em.execute<Array<Record<string, unknown>>>(
    `select id, kind, amount, at, statement_id, memo, balance_after, recorded_by, recorded_at
     from ${tableOf(em, 'ledger_entry')} where wholesaler_id = ? and retailer_id = ? order by seq`,
    [wholesalerId, retailerId],
  );
  return rows.map((r) => ({
    id: r.id as string,
    wholesalerId,
    retailerId,
    kind: r.kind as LedgerEntryRow['kind'],
    amount: Number(r.amount),
    at: new Date(r.at as string),
    statementId: (r.statement_id as string | null) ?? null,
    memo: (r.memo as string | null) ?? null,
    balanceAfter: Number(r.balance_after),
    recordedBy: (r.recorded_by as string | null) ?? null,
    recordedAt: new Date(r.recorded_at as string),
    idempotencyKey: null,
    requestFingerprint: null,
  }));
}
