import { randomUUID } from 'node:crypto';
import { ValidationError } from '@marketbill/platform';
import type { OrderLineRow } from '../../data-access/entities';
import { addOrderLine, removeOrderLine } from '../../data-access/order-repository';
import { actingWholesaler, type Actor } from '../../domain/actor';
import type { BuyerGrade } from '../../domain/grade';
import { SHIPPING_FEE_ITEM } from '../../domain/order';
import { OrderError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';
import { changeOpenOrder } from './change-order';
import type { OrderDetails } from './order-details';

export interface CustomLineInput {
  itemName: string;
  varietyName?: string | undefined;
  grade?: BuyerGrade | null | undefined;
  quantity: number;
  unitPrice?: number | null | undefined;
  memo?: string | null | undefined;
}

function assertCustomName(itemName: string): string {
  const name = itemName.trim();
  if (!name) throw ValidationError.field('itemName', 'The item name must not be empty.');
  if (name === SHIPPING_FEE_ITEM) throw ValidationError.field('itemName', `${SHIPPING_FEE_ITEM} is the shipping-fee line: use PUT /v1/orders/{id}/shipping-fee.`);
  return name;
}

function customLine(lines: OrderLineRow[], lineId: string): OrderLineRow {
  const line = lines.find((l) => l.id === lineId);
  if (!line) throw OrderError.lineNotFound(lineId);
  if (line.kind !== 'CUSTOM') throw OrderError.lineNotCustom(lineId);
  return line;
}

function nextPosition(lines: OrderLineRow[]): number {
  return lines.reduce((max, l) => Math.max(max, l.position), 0) + 1;
}

/** The wholesaler adds a free-text line (an item not in the catalog) to an order. */
export async function addCustomLine(ctx: UseCaseContext, actor: Actor, orderId: string, input: CustomLineInput): Promise<OrderDetails> {
  actingWholesaler(actor);
  const itemName = assertCustomName(input.itemName);
  return changeOpenOrder(ctx, actor, orderId, 'CUSTOM_LINES_CHANGED', (em, order, lines) => {
    const line: OrderLineRow = {
      id: randomUUID(),
      orderId: order.id,
      position: nextPosition(lines),
      kind: 'CUSTOM',
      varietyId: null,
      itemName,
      varietyName: input.varietyName?.trim() ?? '',
      grade: input.grade ?? null,
      quantity: input.quantity,
      unitPrice: input.unitPrice ?? null,
      memo: input.memo ?? null,
    };
    addOrderLine(em, line);
    if (line.unitPrice !== null) order.pricedAt = ctx.now();
    return [...lines, line];
  });
}

/** Changes a custom line (only custom lines: catalog lines keep what the retailer ordered). */
export async function changeCustomLine(ctx: UseCaseContext, actor: Actor, orderId: string, lineId: string, input: Partial<CustomLineInput>): Promise<OrderDetails> {
  actingWholesaler(actor);
  const itemName = input.itemName === undefined ? undefined : assertCustomName(input.itemName);
  return changeOpenOrder(ctx, actor, orderId, 'CUSTOM_LINES_CHANGED', (_em, order, lines) => {
    const line = customLine(lines, lineId);
    if (itemName !== undefined) line.itemName = itemName;
    if (input.varietyName !== undefined) line.varietyName = input.varietyName.trim();
    if (input.grade !== undefined) line.grade = input.grade;
    if (input.quantity !== undefined) line.quantity = input.quantity;
    if (input.memo !== undefined) line.memo = input.memo;
    if (input.unitPrice !== undefined) {
      line.unitPrice = input.unitPrice;
      if (input.unitPrice !== null) order.pricedAt = ctx.now();
    }
    return lines;
  });
}

/** Removes a custom line. */
export async function removeCustomLine(ctx: UseCaseContext, actor: Actor, orderId: string, lineId: string): Promise<OrderDetails> {
  actingWholesaler(actor);
  return changeOpenOrder(ctx, actor, orderId, 'CUSTOM_LINES_CHANGED', (em, _order, lines) => {
    removeOrderLine(em, customLine(lines, lineId));
    return lines.filter((l) => l.id !== lineId);
  });
}

/** Sets the order's one shipping-fee line (배송비): created on first use, its amount replaced after. */
export async function setShippingFee(ctx: UseCaseContext, actor: Actor, orderId: string, amount: number): Promise<OrderDetails> {
  actingWholesaler(actor);
  return changeOpenOrder(ctx, actor, orderId, 'CUSTOM_LINES_CHANGED', (em, order, lines) => {
    order.pricedAt = ctx.now();
    const existing = lines.find((l) => l.kind === 'SHIPPING_FEE');
    if (existing) {
      existing.unitPrice = amount;
      return lines;
    }
    const line: OrderLineRow = {
      id: randomUUID(),
      orderId: order.id,
      position: nextPosition(lines),
      kind: 'SHIPPING_FEE',
      varietyId: null,
      itemName: SHIPPING_FEE_ITEM,
      varietyName: '',
      grade: null,
      quantity: 1,
      unitPrice: amount,
      memo: null,
    };
    addOrderLine(em, line);
    return [...lines, line];
  });
}

/** Removes the shipping-fee line. */
export async function removeShippingFee(ctx: UseCaseContext, actor: Actor, orderId: string): Promise<OrderDetails> {
  actingWholesaler(actor);
  return changeOpenOrder(ctx, actor, orderId, 'CUSTOM_LINES_CHANGED', (em, _order, lines) => {
    const fee = lines.find((l) => l.kind === 'SHIPPING_FEE');
    if (!fee) throw OrderError.noShippingFee();
    removeOrderLine(em, fee);
    return lines.filter((l) => l !== fee);
  });
}
