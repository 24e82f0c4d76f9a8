import { isDay, NotFoundError, ValidationError } from '@marketbill/platform';
import { varietiesById } from '../../data-access/catalog-repository';
import { upsertDailyPrice } from '../../data-access/daily-price-repository';
import type { DailyPrice } from '../../data-access/entities';
import { lockPlacedOrdersWithItem, orderLines } from '../../data-access/order-repository';
import { actingWholesaler, type Actor } from '../../domain/actor';
import type { BuyerGrade } from '../../domain/grade';
import { assertUnitPriceWithinLimit } from '../../domain/money-limits';
import type { UseCaseContext } from '../context';
import { commitOrderChange } from './change-order';

/**
 * One price for a (variety, grade, Seoul day) — 판매가 일괄적용: stored for the day (orders placed
 * later that day take it too) and applied now to every matching line of the wholesaler's placed
 * orders of that day, each order publishing its new version.
 */
export async function setDailyPrice(
  ctx: UseCaseContext,
  actor: Actor,
  input: { day: string; varietyId: string; grade: BuyerGrade; unitPrice: number },
): Promise<{ price: DailyPrice; orders: Array<{ id: string; number: string; version: number }> }> {
  const wholesalerId = actingWholesaler(actor);
  if (!isDay(input.day)) throw ValidationError.field('day', 'A day, YYYY-MM-DD.');
  // Stored for orders placed later that day, so checked here and not only when applied.
  assertUnitPriceWithinLimit(input.unitPrice);
  return ctx.tx(async (em) => {
    // A price for a variety nobody can order would be stored and never used.
    if (!(await varietiesById(em, [input.varietyId])).has(input.varietyId)) throw NotFoundError.of('variety', input.varietyId);
    const now = ctx.now();
    const price = await upsertDailyPrice(em, { wholesalerId, day: input.day, varietyId: input.varietyId, grade: input.grade, unitPrice: input.unitPrice, updatedAt: now });
    // Locked in id order, so two price changes of one day cannot deadlock each other.
    const orders = await lockPlacedOrdersWithItem(em, wholesalerId, input.day, input.varietyId, input.grade);
    const changed: Array<{ id: string; number: string; version: number }> = [];
    for (const order of orders) {
      const lines = await orderLines(em, order.id);
      for (const line of lines) {
        if (line.kind === 'ITEM' && line.varietyId === input.varietyId && line.grade === input.grade) line.unitPrice = input.unitPrice;
      }
      order.pricedAt = now;
      await commitOrderChange(ctx, em, order, lines, 'PRICES_SET');
      changed.push({ id: order.id, number: order.number, version: order.version });
    }
    return { price, orders: changed };
  });
}
