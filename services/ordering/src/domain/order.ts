import { multiplyExact, sumExact } from '@marketbill/platform';
import type { BuyerGrade } from './grade';
import { OrderError } from './ordering-errors';

export type OrderStatus = 'PLACED' | 'CANCELLED';
export type OrderPlacement = 'MANUAL' | 'CUTOFF';
export type FulfilmentMethod = 'PICKUP' | 'DELIVERY';
export type FulfilmentState = 'PENDING' | 'READY' | 'PICKED_UP' | 'DELIVERED';
export type LineKind = 'ITEM' | 'CUSTOM' | 'SHIPPING_FEE';
export type PriceState = 'UNPRICED' | 'PARTIAL' | 'PRICED';

/** The item name of the one shipping-fee line of an order (as the original system printed it). */
export const SHIPPING_FEE_ITEM = '배송비';

/** One line of an order sheet. Money is integer KRW; `unitPrice` is null until the wholesaler prices it. */
export interface OrderLine {
  id: string;
  position: number;
  kind: LineKind;
  varietyId: string | null;
  itemName: string;
  varietyName: string;
  grade: BuyerGrade | null;
  quantity: number;
  unitPrice: number | null;
  memo: string | null;
}

/** The order sheet (주문서) without its lines. */
export interface Order {
  id: string;
  number: string;
  retailerId: string;
  wholesalerId: string;
  status: OrderStatus;
  placement: OrderPlacement;
  placedAt: Date;
  saleDay: string;
  memo: string | null;
  fulfilmentMethod: FulfilmentMethod;
  fulfilmentState: FulfilmentState;
  deliveryAddress: string | null;
  /** 1 when placed; +1 with every change (the events carry it; consumers keep the highest). */
  version: number;
  pricedAt: Date | null;
  cancelledAt: Date | null;
  statementId: string | null;
  statementNumber: string | null;
  statementVersion: number | null;
  statementIssuedAt: Date | null;
}

/** Line amount = quantity × unit price; null while unpriced. */
export function lineAmount(line: Pick<OrderLine, 'quantity' | 'unitPrice'>): number | null {
  return line.unitPrice === null ? null : multiplyExact(line.quantity, line.unitPrice);
}

/**
 * The order total is the sum of quantity × unit price over the priced lines (the statement uses
 * the same rule), computed exactly (see money-limits.ts); the price state says whether none, some
 * or all lines are priced.
 */
export function orderTotals(lines: readonly Pick<OrderLine, 'quantity' | 'unitPrice'>[]): { total: number; priceState: PriceState } {
  const amounts = lines.map(lineAmount).filter((a): a is number => a !== null);
  const total = sumExact(amounts);
  const priced = amounts.length;
  const priceState: PriceState = priced === 0 ? 'UNPRICED' : priced === lines.length ? 'PRICED' : 'PARTIAL';
  return { total, priceState };
}

/** Pricing, custom lines and fulfilment change only a placed (not cancelled) order. */
export function assertNotCancelled(order: Pick<Order, 'status'>): void {
  if (order.status === 'CANCELLED') throw OrderError.cancelled();
}

/** A retailer may cancel until the wholesaler has priced anything on the order. */
export function assertCancellable(order: Pick<Order, 'status'>, lines: readonly Pick<OrderLine, 'unitPrice'>[]): void {
  assertNotCancelled(order);
  if (lines.some((l) => l.unitPrice !== null)) throw OrderError.alreadyPriced();
}

const NEXT_STATES: Record<FulfilmentMethod, Partial<Record<FulfilmentState, FulfilmentState[]>>> = {
  PICKUP: { PENDING: ['READY'], READY: ['PICKED_UP'] },
  DELIVERY: { PENDING: ['READY'], READY: ['DELIVERED'] },
};

/** PENDING → READY → PICKED_UP (pickup) or DELIVERED (delivery); nothing else. */
export function assertFulfilmentTransition(method: FulfilmentMethod, from: FulfilmentState, to: FulfilmentState): void {
  if (!(NEXT_STATES[method][from] ?? []).includes(to)) throw OrderError.fulfilmentTransition(from, to);
}

/** The method (and address) may change only while nothing has been prepared. */
export function assertMethodChangeable(state: FulfilmentState): void {
  if (state !== 'PENDING') throw OrderError.fulfilmentTransition(state, 'PENDING');
}
