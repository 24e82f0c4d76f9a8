import type { EntityManager } from '@mikro-orm/postgresql';
import type { OrderSheet, Party } from '../domain/order-sheet';
import { OrderSheetSchema, type OrderSheetRow } from './entities';
import { tableOf } from './sql';

function toOrderSheet(row: OrderSheetRow): OrderSheet {
  return {
    orderId: row.orderId,
    orderNumber: row.orderNumber,
    version: row.version,
    status: row.status,
    saleDay: row.saleDay,
    placedAt: row.placedAt,
    wholesaler: { id: row.wholesalerId, name: row.wholesalerName, phone: row.wholesalerPhone, sealedPhone: row.wholesalerSealedPhone },
    retailer: { id: row.retailerId, name: row.retailerName, phone: row.retailerPhone, sealedPhone: row.retailerSealedPhone },
    lines: row.lines,
  };
}

/**
 * Keeps the snapshot when it is newer than the one held: one statement, so an older or repeated
 * event (out of order, redelivered) changes nothing even when two arrive at once. Returns whether
 * the snapshot was taken.
 */
export async function upsertOrderSheet(em: EntityManager, sheet: OrderSheet): Promise<boolean> {
  const rows = await em.execute<Array<{ order_id: string }>>(
    `insert into ${tableOf(em, 'order_sheet')} as o (order_id, order_number, version, status, sale_day, placed_at,
       wholesaler_id, wholesaler_name, wholesaler_phone, wholesaler_sealed_phone, retailer_id, retailer_name, retailer_phone, retailer_sealed_phone,
       lines, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, now())
     on conflict (order_id) do update set
       order_number = excluded.order_number, version = excluded.version, status = excluded.status,
       sale_day = excluded.sale_day, placed_at = excluded.placed_at,
       wholesaler_id = excluded.wholesaler_id, wholesaler_name = excluded.wholesaler_name, wholesaler_phone = excluded.wholesaler_phone,
       wholesaler_sealed_phone = excluded.wholesaler_sealed_phone,
       retailer_id = excluded.retailer_id, retailer_name = excluded.retailer_name, retailer_phone = excluded.retailer_phone,
       retailer_sealed_phone = excluded.retailer_sealed_phone,
       lines = excluded.lines, updated_at = now()
     where o.version < excluded.version
     returning o.order_id`,
    [
      sheet.orderId,
      sheet.orderNumber,
      sheet.version,
      sheet.status,
      sheet.saleDay,
      sheet.placedAt,
      sheet.wholesaler.id,
      sheet.wholesaler.name,
      sheet.wholesaler.phone,
      sheet.wholesaler.sealedPhone,
      sheet.retailer.id,
      sheet.retailer.name,
      sheet.retailer.phone,
      sheet.retailer.sealedPhone,
      JSON.stringify(sheet.lines),
    ],
  );
  return rows.length > 0;
}

/** The wholesaler's order sheets among `orderIds` (others' are not returned). */
export async function findOrderSheets(em: EntityManager, wholesalerId: string, orderIds: string[]): Promise<OrderSheet[]> {
  const rows = await em.find(OrderSheetSchema, { wholesalerId, orderId: { $in: orderIds } });
  return rows.map(toOrderSheet);
}

/** A retailer's order sheets of one Seoul day with one wholesaler, cancelled ones included. */
export async function findOrderSheetsOfDay(em: EntityManager, wholesalerId: string, retailerId: string, day: string): Promise<OrderSheet[]> {
  const rows = await em.find(OrderSheetSchema, { wholesalerId, retailerId, saleDay: day }, { orderBy: { orderNumber: 'asc' } });
  return rows.map(toOrderSheet);
}

/** Current versions of order sheets, by id (for "changed since the statement"). */
export async function orderVersions(em: EntityManager, orderIds: string[]): Promise<Map<string, number>> {
  if (orderIds.length === 0) return new Map();
  const rows = await em.find(OrderSheetSchema, { orderId: { $in: orderIds } }, { fields: ['orderId', 'version'] });
  return new Map(rows.map((r) => [r.orderId, r.version]));
}

/** Whether the retailer has any order sheet with the wholesaler: the pair exists. */
export async function pairHasTraded(em: EntityManager, wholesalerId: string, retailerId: string): Promise<boolean> {
  return (await em.count(OrderSheetSchema, { wholesalerId, retailerId })) > 0;
}

/** The retailer as the newest order sheet of the pair names it. */
export async function latestRetailerParty(em: EntityManager, wholesalerId: string, retailerId: string): Promise<Party | undefined> {
  const row = await em.findOne(OrderSheetSchema, { wholesalerId, retailerId }, { orderBy: { placedAt: 'desc' } });
  return row ? { id: row.retailerId, name: row.retailerName, phone: row.retailerPhone, sealedPhone: row.retailerSealedPhone } : undefined;
}
