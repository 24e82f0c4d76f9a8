import { z } from 'zod';
import { isDay } from '@marketbill/platform';
import type { OrderSnapshot, RetailerProfileUpdated, WholesalerProfileUpdated } from '@marketbill/schemas';
import { InvalidEventContentError } from '../../domain/billing-errors';
import type { OrderSheet } from '../../domain/order-sheet';
import type { RetailerProfile } from '../../domain/retailer-profile';
import type { WholesalerProfile } from '../../domain/wholesaler-profile';

const party = z.object({ id: z.uuid(), name: z.string().min(1), phone: z.string() });
const krw = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const snapshot = z
  .object({
    orderId: z.uuid(),
    orderNumber: z.string().min(1),
    version: z.number().int().min(1),
    saleDay: z.string().refine(isDay, 'not a YYYY-MM-DD day'),
    retailer: party,
    wholesaler: party,
    lines: z.array(
      z
        .object({
          lineId: z.string().min(1),
          quantity: z.number().int().min(1),
          unitPrice: krw.nullable(),
          amount: krw.nullable(),
        })
        .refine((l) => (l.unitPrice === null ? l.amount === null : l.amount === l.quantity * l.unitPrice), {
          message: 'amount is not quantity × unitPrice',
          path: ['amount'],
        }),
    ),
  })
  .refine((o) => new Set(o.lines.map((l) => l.lineId)).size === o.lines.length, { message: 'duplicate line ids', path: ['lines'] });

/**
 * Maps ordering's OrderSnapshot to billing's own order sheet, checking what billing relies on:
 * ids, the day, and the money rule (amount = quantity × unit price). A snapshot that breaks it is a
 * bug upstream; it is dead-lettered (not retried) rather than stated with a wrong total.
 */
export function toOrderSheet(topic: string, order: OrderSnapshot): OrderSheet {
  const checked = snapshot.safeParse(order);
  if (!checked.success) throw InvalidEventContentError.because(topic, checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return {
    orderId: order.orderId,
    orderNumber: order.orderNumber,
    version: order.version,
    status: order.status,
    saleDay: order.saleDay,
    placedAt: new Date(order.placedAt),
    wholesaler: { ...order.wholesaler },
    retailer: { ...order.retailer },
    lines: order.lines.map((l) => ({
      lineId: l.lineId,
      kind: l.kind,
      itemName: l.itemName,
      varietyName: l.varietyName,
      grade: l.grade,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      memo: l.memo,
    })),
  };
}

const profile = z.object({ wholesalerId: z.uuid(), version: z.number().int().min(1), companyName: z.string().min(1), businessNumber: z.string().min(1) });

/** Maps wholesaler.profile.updated to billing's supplier block. */
export function toWholesalerProfile(topic: string, event: WholesalerProfileUpdated): WholesalerProfile {
  const checked = profile.safeParse(event);
  if (!checked.success) throw InvalidEventContentError.because(topic, checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return {
    wholesalerId: event.wholesalerId,
    version: event.version,
    shopName: event.shopName,
    ownerPhone: event.ownerPhone,
    businessNumber: event.businessNumber,
    companyName: event.companyName,
    representative: event.representative,
    address: event.address,
    phone: event.phone,
    businessType: event.businessType,
    businessItem: event.businessItem,
    bankAccount: event.bankAccount,
    sealImageUrl: event.sealImageUrl,
  };
}

const retailerProfile = z.object({
  retailerId: z.uuid(),
  version: z.number().int().min(1),
  businessNumber: z.string().regex(/^\d{10}$/, '10 digits'),
  companyName: z.string().trim().min(1),
  representative: z.string().trim().min(1),
  address: z.string().trim().min(1),
});

/** Maps retailer.profile.updated to billing's buyer block; a profile without a usable name or number is refused. */
export function toRetailerProfile(topic: string, event: RetailerProfileUpdated): RetailerProfile {
  const checked = retailerProfile.safeParse(event);
  if (!checked.success) throw InvalidEventContentError.because(topic, checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return {
    retailerId: event.retailerId,
    version: event.version,
    businessNumber: event.businessNumber,
    companyName: event.companyName,
    representative: event.representative,
    address: event.address,
    businessType: event.businessType?.trim() ? event.businessType : null,
    businessItem: event.businessItem?.trim() ? event.businessItem : null,
  };
}
