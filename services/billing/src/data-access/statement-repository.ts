import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ownerAliveSql } from '@marketbill/platform';
import { StatementOrderSchema, StatementSchema, type StatementOrderRow, type StatementRow } from './entities';
import { tableOf } from './sql';

/**
 * The next number in the wholesaler's sequence for the month (row-locked until the transaction
 * ends): a number handed back by an undone issue first (see {@link returnStatementSequence}), else
 * the counter's next.
 */
export async function nextStatementSequence(em: EntityManager, wholesalerId: string, period: string): Promise<number> {
  const pool = tableOf(em, 'statement_number_pool');
  const [returned] = await em.execute<Array<{ sequence: number }>>(
    `delete from ${pool} where (wholesaler_id, period, sequence) = (
       select wholesaler_id, period, sequence from ${pool} where wholesaler_id = ? and period = ? order by sequence limit 1 for update skip locked)
     returning sequence`,
    [wholesalerId, period],
  );
  if (returned) return Number(returned.sequence);
  const [row] = await em.execute<Array<{ last_value: number }>>(
    `insert into ${tableOf(em, 'statement_counter')} as c (wholesaler_id, period, last_value) values (?, ?, 1)
     on conflict (wholesaler_id, period) do update set last_value = c.last_value + 1
     returning c.last_value`,
    [wholesalerId, period],
  );
  if (!row) throw new Error('statement counter returned no row');
  return Number(row.last_value);
}

/**
 * Hands a number back when the issue that took it is undone: the counter steps back if it still
 * stands at that number, else the number goes to the pool the next reservation takes from first.
 */
export async function returnStatementSequence(em: EntityManager, wholesalerId: string, period: string, sequence: number): Promise<void> {
  const stepped = await em.execute<Array<{ last_value: number }>>(
    `update ${tableOf(em, 'statement_counter')} set last_value = last_value - 1
     where wholesaler_id = ? and period = ? and last_value = ? returning last_value`,
    [wholesalerId, period, sequence],
  );
  if (stepped.length > 0) return;
  await em.execute(`insert into ${tableOf(em, 'statement_number_pool')} (wholesaler_id, period, sequence) values (?, ?, ?) on conflict do nothing`, [wholesalerId, period, sequence], 'run');
}

/** Deletes a reservation that never became a statement, with the orders it claimed. */
export async function deleteReservation(em: EntityManager, id: string): Promise<void> {
  await em.nativeDelete(StatementOrderSchema, { statementId: id });
  await em.nativeDelete(StatementSchema, { id, status: 'RESERVED' });
}

export function findStatement(em: EntityManager, id: string, lock = false): Promise<StatementRow | null> {
  return em.findOne(StatementSchema, { id }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
}

export function findStatementByIdempotencyKey(em: EntityManager, wholesalerId: string, key: string): Promise<StatementRow | null> {
  return em.findOne(StatementSchema, { wholesalerId, idempotencyKey: key });
}

/** Which statements the orders are on (each order is on one statement number at most). */
export function findStatementOrders(em: EntityManager, orderIds: string[]): Promise<StatementOrderRow[]> {
  return em.find(StatementOrderSchema, { orderId: { $in: orderIds } });
}

export interface StatementFilter {
  wholesalerId?: string;
  retailerId?: string;
  from?: string;
  to?: string;
}

/** Issued statements (every version), newest first, one page (`page` counts from 0, as every list of MarketBill does). */
export async function listIssuedStatements(em: EntityManager, filter: StatementFilter, page: number, size: number): Promise<{ items: StatementRow[]; total: number }> {
  const where: Record<string, unknown> = { status: 'ISSUED' };
  if (filter.wholesalerId) where.wholesalerId = filter.wholesalerId;
  if (filter.retailerId) where.retailerId = filter.retailerId;
  if (filter.from || filter.to) where.issueDay = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) };
  const [items, total] = await em.findAndCount(StatementSchema, where, {
    orderBy: { issuedAt: 'desc', version: 'desc' },
    limit: size,
    offset: page * size,
  });
  return { items, total };
}

/** A reservation's lease is free when it ran out or the process that holds it is gone. */
function leaseFree(table: string): string {
  return `(${table}.lease_until < now() or not ${ownerAliveSql(`${table}.lease_owner`)})`;
}

/**
 * Claims reservations whose lease is free — ran out, or its process died (killed mid-issue) — for
 * this process: the lease is renewed in the same statement, and `skip locked` keeps replicas from
 * claiming the same one.
 */
export async function claimExpiredReservations(em: EntityManager, leaseSeconds: number, limit: number, owner: number): Promise<Array<{ id: string; attempts: number }>> {
  const table = tableOf(em, 'statement');
  return em.execute<Array<{ id: string; attempts: number }>>(
    `update ${table} set lease_until = now() + make_interval(secs => ?), lease_owner = ?
     where id in (select s.id from ${table} s where s.status = 'RESERVED' and ${leaseFree('s')} order by s.lease_until limit ? for update skip locked)
     returning id, attempts`,
    [leaseSeconds, owner, limit],
  );
}

/** Takes the lease of one reservation if it is free (ran out, or its owner died); false when a live worker holds it. */
export async function takeLease(em: EntityManager, id: string, leaseSeconds: number, owner: number): Promise<boolean> {
  const table = tableOf(em, 'statement');
  const rows = await em.execute<Array<{ id: string }>>(
    `update ${table} s set lease_until = now() + make_interval(secs => ?), lease_owner = ?
     where s.id = ? and s.status = 'RESERVED' and ${leaseFree('s')} returning s.id`,
    [leaseSeconds, owner, id],
  );
  return rows.length > 0;
}

/**
 * Records a failed render/upload and frees the lease, so a retry or the resume job can go on at
 * once. `counted` false (the PDF store was unavailable) records the wait without counting it
 * towards the release of the reservation.
 */
export async function recordAttemptFailure(em: EntityManager, id: string, reason: string, counted: boolean): Promise<void> {
  await em.execute(
    `update ${tableOf(em, 'statement')} set attempts = attempts + ?, storage_waits = storage_waits + ?, last_error = ?, lease_until = now()
     where id = ? and status = 'RESERVED'`,
    [counted ? 1 : 0, counted ? 0 : 1, reason.slice(0, 1_000), id],
  );
}

/** Points the orders of a superseded version at the version that replaces it. */
export async function moveStatementOrders(em: EntityManager, fromStatementId: string, to: { statementId: string; orderVersions: Map<string, number> }): Promise<void> {
  const rows = await em.find(StatementOrderSchema, { statementId: fromStatementId });
  for (const row of rows) {
    row.statementId = to.statementId;
    row.orderVersion = to.orderVersions.get(row.orderId) ?? row.orderVersion;
  }
}

/** Frees the orders a released first issue had claimed. */
export async function deleteStatementOrders(em: EntityManager, statementId: string): Promise<void> {
  await em.nativeDelete(StatementOrderSchema, { statementId });
}
