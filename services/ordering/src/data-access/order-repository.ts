import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BuyerGrade } from '../domain/grade';
import type { OrderStatus } from '../domain/order';
import { OrderLineSchema, OrderSchema, type OrderLineRow, type OrderRow } from './entities';
import { table } from './sql';

// Order sheets and their lines. Placing an order (one statement with the cart's removal and the
// outbox) lives in order-placement-repository.

export function findOrder(em: EntityManager, id: string): Promise<OrderRow | null> {
  return em.findOne(OrderSchema, { id });
}

/** The order, row-locked until the transaction ends: changes to one order are made one at a time. */
export function lockOrder(em: EntityManager, id: string): Promise<OrderRow | null> {
  return em.findOne(OrderSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** The order's lines in sheet order. */
export function orderLines(em: EntityManager, orderId: string): Promise<OrderLineRow[]> {
  return em.find(OrderLineSchema, { orderId }, { orderBy: { position: 'asc' } });
}

/** The lines of several orders, each order's in sheet order. */
export async function linesOfOrders(em: EntityManager, orderIds: string[]): Promise<OrderLineRow[]> {
  return orderIds.length > 0 ? em.find(OrderLineSchema, { orderId: { $in: orderIds } }, { orderBy: { position: 'asc' } }) : [];
}

/** A new line of a placed order, persisted when the caller's transaction flushes. */
export function addOrderLine(em: EntityManager, line: OrderLineRow): void {
  em.persist(em.create(OrderLineSchema, line));
}

/** Deletes a line when the caller's transaction flushes. */
export function removeOrderLine(em: EntityManager, line: OrderLineRow): void {
  em.remove(line);
}

export interface OrderSearch {
  /** Whose orders: a retailer's, a wholesaler's, or (neither) every order. */
  retailerId?: string | undefined;
  wholesalerId?: string | undefined;
  /** Narrowing within that scope (both parties may be named). */
  filter: { retailerId?: string | undefined; wholesalerId?: string | undefined; status?: OrderStatus | undefined; from?: string | undefined; to?: string | undefined };
  offset: number;
  limit: number;
}

/** Orders in a scope, narrowed by party, status and sale days, newest first: one page and the total. */
export function searchOrders(em: EntityManager, search: OrderSearch): Promise<[OrderRow[], number]> {
  const scope: FilterQuery<OrderRow> = {
    ...(search.retailerId !== undefined ? { retailerId: search.retailerId } : {}),
    ...(search.wholesalerId !== undefined ? { wholesalerId: search.wholesalerId } : {}),
  };
  const f = search.filter;
  const where: FilterQuery<OrderRow> = {
    $and: [
      scope,
      f.retailerId ? { retailerId: f.retailerId } : {},
      f.wholesalerId ? { wholesalerId: f.wholesalerId } : {},
      f.status ? { status: f.status } : {},
      f.from ? { saleDay: { $gte: f.from } } : {},
      f.to ? { saleDay: { $lte: f.to } } : {},
    ],
  };
  return em.findAndCount(OrderSchema, where, { orderBy: { placedAt: 'desc', id: 'asc' }, limit: search.limit, offset: search.offset });
}

/** The versions of the wholesaler's orders among `ids` (others' are not returned). */
export async function orderVersionsOf(em: EntityManager, wholesalerId: string, ids: string[]): Promise<Array<{ id: string; version: number }>> {
  const rows = await em.find(OrderSchema, { id: { $in: ids }, wholesalerId }, { fields: ['id', 'version'] });
  return rows.map((o) => ({ id: o.id, version: o.version }));
}

/** The versions of a retailer's orders of one sale day with the wholesaler, cancelled ones left out. */
export async function openOrderVersionsOf(em: EntityManager, wholesalerId: string, retailerId: string, day: string): Promise<Array<{ id: string; version: number }>> {
  const rows = await em.find(OrderSchema, { wholesalerId, retailerId, saleDay: day, status: { $ne: 'CANCELLED' } }, { fields: ['id', 'version'] });
  return rows.map((o) => ({ id: o.id, version: o.version }));
}

/**
 * The wholesaler's placed orders of a sale day with an item line of the variety and grade,
 * row-locked in id order (so two price changes of one day cannot deadlock each other).
 */
export async function lockPlacedOrdersWithItem(em: EntityManager, wholesalerId: string, day: string, varietyId: string, grade: BuyerGrade): Promise<OrderRow[]> {
  const matching = await em.execute<Array<{ id: string }>>(
    `select distinct o.id from ${table(em, 'orders')} o join ${table(em, 'order_lines')} l on l.order_id = o.id
     where o.wholesaler_id = ? and o.sale_day = ? and o.status = 'PLACED' and l.kind = 'ITEM' and l.variety_id = ? and l.grade = ?`,
    [wholesalerId, day, varietyId, grade],
  );
  const ids = matching.map((r) => r.id).sort();
  return ids.length > 0 ? em.find(OrderSchema, { id: { $in: ids }, status: 'PLACED' }, { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE }) : [];
}

export interface DayTotals {
  orderCount: number;
  retailerCount: number;
  varietyCount: number;
  totalQuantity: number;
  revenue: number;
  unpricedLineCount: number;
}

/** Totals over the wholesaler's placed orders of a sale day (every kind of line counts in revenue). */
export async function placedDayTotals(em: EntityManager, wholesalerId: string, day: string): Promise<DayTotals> {
  const [totals] = await em.execute<Array<{ orders: string; retailers: string; varieties: string; quantity: string | null; revenue: string | null; unpriced: string }>>(
    `select count(distinct o.id) as orders, count(distinct o.retailer_id) as retailers,
            count(distinct l.variety_id) as varieties,
            coalesce(sum(l.quantity) filter (where l.kind = 'ITEM'), 0) as quantity,
            coalesce(sum(l.quantity * l.unit_price), 0) as revenue,
            count(l.id) filter (where l.unit_price is null) as unpriced
       from ${table(em, 'orders')} o left join ${table(em, 'order_lines')} l on l.order_id = o.id
      where o.wholesaler_id = ? and o.sale_day = ? and o.status = 'PLACED'`,
    [wholesalerId, day],
  );
  return {
    orderCount: Number(totals?.orders ?? 0),
    retailerCount: Number(totals?.retailers ?? 0),
    varietyCount: Number(totals?.varieties ?? 0),
    totalQuantity: Number(totals?.quantity ?? 0),
    revenue: Number(totals?.revenue ?? 0),
    unpricedLineCount: Number(totals?.unpriced ?? 0),
  };
}

export interface PickRow {
  varietyId: string;
  itemName: string;
  varietyName: string;
  grade: BuyerGrade;
  quantity: number;
  orderCount: number;
}

/** Quantity per variety and grade over the item lines of the wholesaler's placed orders of a sale day. */
export async function placedDayPicks(em: EntityManager, wholesalerId: string, day: string): Promise<PickRow[]> {
  const picks = await em.execute<Array<{ variety_id: string; item_name: string; variety_name: string; grade: BuyerGrade; quantity: string; order_count: string }>>(
    `select l.variety_id, min(l.item_name) as item_name, min(l.variety_name) as variety_name, l.grade,
            sum(l.quantity) as quantity, count(distinct o.id) as order_count
       from ${table(em, 'orders')} o join ${table(em, 'order_lines')} l on l.order_id = o.id
      where o.wholesaler_id = ? and o.sale_day = ? and o.status = 'PLACED' and l.kind = 'ITEM'
      group by l.variety_id, l.grade
      order by min(l.item_name), min(l.variety_name), l.grade`,
    [wholesalerId, day],
  );
  return picks.map((p) => ({
    varietyId: p.variety_id,
    itemName: p.item_name,
    varietyName: p.variety_name,
    grade: p.grade,
    quantity: Number(p.quantity),
    orderCount: Number(p.order_count),
  }));
}
