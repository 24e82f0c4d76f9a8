import { randomUUID } from 'node:crypto';
import { ValidationError } from '@marketbill/platform';
import { OrderLineSchema, type OrderLineRow } from '../../data-access/entities';
import { actingWholesaler, type Actor } from '../../domain/actor';
import type { BuyerGrade } from '../../domain/grade';
import { assertNotCancelled, SHIPPING_FEE_ITEM } from '../../domain/order';
import { OrderError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';
import { commitOrderChange, lockVisibleOrder, orderLines, type OrderDetails } from './order-access';

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

function nextPosition(lines: OrderLineRow[]): number {
  return lines.reduce((max, l) => Math.max(max, l.position), 0) + 1;
}

/** The wholesaler adds a free-text line (an item not in the catalog) to an order. */
export async function addCustomLine(ctx: UseCaseContext, actor: Actor, orderId: string, input: CustomLineInput): Promise<OrderDetails> {
  actingWholesaler(actor);
  const itemName = assertCustomName(input.itemName);
  return ctx.tx(async (em) => {
    const order = await lockVisibleOrder(em, actor, orderId);
    assertNotCancelled(order);
    const lines = await orderLines(em, order.id);
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
    em.persist(em.create(OrderLineSchema, line));
    lines.push(line);
    if (line.unitPrice !== null) order.pricedAt = ctx.now();
    return commitOrderChange(ctx, em, order, lines, 'CUSTOM_LINES_CHANGED');
  });
}

/** Changes a custom line (only custom lines: catalog lines keep what the retailer ordered). */
export async function changeCustomLine(ctx: UseCaseContext, actor: Actor, orderId: string, lineId: string, input: Partial<CustomLineInput>): Promise<OrderDetails> {
  actingWholesaler(actor);
  const itemName = input.itemName === undefined ? undefined : assertCustomName(input.itemName);
  return ctx.tx(async (em) => {
    const order = await lockVisibleOrder(em, actor, orderId);
    assertNotCancelled(order);
    const lines = await orderLines(em, order.id);
    const line = lines.find((l) => l.id === lineId);
    if (!line) throw OrderError.lineNotFound(lineId);
    if (line.kind !== 'CUSTOM') throw OrderError.lineNotCustom(lineId);
    if (itemName !== undefined) line.itemName = itemName;
    if (input.varietyName !== undefined) line.varietyName = input.varietyName.trim();
    if (input.grade !== undefined) line.grade = input.grade;
    if (input.quantity !== undefined) line.quantity = input.quantity;
    if (input.memo !== undefined) line.memo = input.memo;
    if (input.unitPrice !== undefined) {
      line.unitPrice = input.unitPrice;
      if (input.unitPrice !== null) order.pricedAt = ctx.now();
    }
    return commitOrderChange(ctx, em, order, lines, 'CUSTOM_LINES_CHANGED');
  });
}

/** Removes a custom line. */
export async function removeCustomLine(ctx: UseCaseContext, actor: Actor, orderId: string, lineId: string): Promise<OrderDetails> {
  actingWholesaler(actor);
  return ctx.tx(async (em) => {
    const order = await lockVisibleOrder(em, actor, orderId);
    assertNotCancelled(order);
    const lines = await orderLines(em, order.id);
    const line = lines.find((l) => l.id === lineId);
    if (!line) throw OrderError.lineNotFound(lineId);
    if (line.kind !== 'CUSTOM') throw OrderError.lineNotCustom(lineId);
    em.remove(line);
    return commitOrderChange(ctx, em, order, lines.filter((l) => l.id !== lineId), 'CUSTOM_LINES_CHANGED');
  });
}

/** Sets the order's one shipping-fee line (배송비): created on first use, its amount replaced after. */
export async function setShippingFee(ctx: UseCaseContext, actor: Actor, orderId: string, amount: number): Promise<OrderDetails> {
  actingWholesaler(actor);
  return ctx.tx(async (em) => {
    const order = await lockVisibleOrder(em, actor, orderId);
    assertNotCancelled(order);
    const lines = await orderLines(em, order.id);
    const existing = lines.find((l) => l.kind === 'SHIPPING_FEE');
    if (existing) {
      existing.unitPrice = amount;
    } else {
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
      em.persist(em.create(OrderLineSchema, line));
      lines.push(line);
    }
    order.pricedAt = ctx.now();
    return commitOrderChange(ctx, em, order, lines, 'CUSTOM_LINES_CHANGED');
  });
}

/** Removes the shipping-fee line. */
export async function removeShippingFee(ctx: UseCaseContext, actor: Actor, orderId: string): Promise<OrderDetails> {
  actingWholesaler(actor);
  return ctx.tx(async (em) => {
    const order = await lockVisibleOrder(em, actor, orderId);
    assertNotCancelled(order);
    const lines = await orderLines(em, order.id);
    const fee = lines.find((l) => l.kind === 'SHIPPING_FEE');
    if (!fee) throw OrderError.noShippingFee();
    em.remove(fee);
    return commitOrderChange(ctx, em, order, lines.filter((l) => l !== fee), 'CUSTOM_LINES_CHANGED');
  });
}
