import { isDay, ValidationError } from '@marketbill/platform';
import { DailyPriceSchema } from '../../data-access/entities';
import { table } from '../../data-access/sql';
import { actingWholesaler, type Actor } from '../../domain/actor';
import type { BuyerGrade } from '../../domain/grade';
import type { PriceSuggestion } from '../../domain/price-suggestion';
import type { UseCaseContext } from '../context';
import { suggestionsFor } from './suggest-prices';

export interface PickListRow {
  varietyId: string;
  itemName: string;
  varietyName: string;
  grade: BuyerGrade;
  quantity: number;
  orderCount: number;
  /** The day's price for this variety and grade, if the wholesaler set one. */
  dailyPrice: number | null;
  suggestion: PriceSuggestion | null;
}

export interface DailySummary {
  day: string;
  orderCount: number;
  retailerCount: number;
  varietyCount: number;
  totalQuantity: number;
  /** Σ quantity × unit price over priced lines of the day's placed orders (custom and shipping lines included). */
  revenue: number;
  unpricedLineCount: number;
  /** What to pick for the morning: quantity per variety and grade over the day's placed orders. */
  pickList: PickListRow[];
}

/** The wholesaler's day: placed (not cancelled) order sheets of one Seoul day, summed up. */
export async function dailySummary(ctx: UseCaseContext, actor: Actor, day: string): Promise<DailySummary> {
  const wholesalerId = actingWholesaler(actor);
  if (!isDay(day)) throw ValidationError.field('day', 'A day, YYYY-MM-DD.');
  const orders = table(ctx.em, 'orders');
  const lines = table(ctx.em, 'order_lines');
  const [totals] = await ctx.em.execute<Array<{ orders: string; retailers: string; varieties: string; quantity: string | null; revenue: string | null; unpriced: string }>>(
    `select count(distinct o.id) as orders, count(distinct o.retailer_id) as retailers,
            count(distinct l.variety_id) as varieties,
            coalesce(sum(l.quantity) filter (where l.kind = 'ITEM'), 0) as quantity,
            coalesce(sum(l.quantity * l.unit_price), 0) as revenue,
            count(l.id) filter (where l.unit_price is null) as unpriced
       from ${orders} o left join ${lines} l on l.order_id = o.id
      where o.wholesaler_id = ? and o.sale_day = ? and o.status = 'PLACED'`,
    [wholesalerId, day],
  );
  const picks = await ctx.em.execute<Array<{ variety_id: string; item_name: string; variety_name: string; grade: BuyerGrade; quantity: string; order_count: string }>>(
    `select l.variety_id, min(l.item_name) as item_name, min(l.variety_name) as variety_name, l.grade,
            sum(l.quantity) as quantity, count(distinct o.id) as order_count
       from ${orders} o join ${lines} l on l.order_id = o.id
      where o.wholesaler_id = ? and o.sale_day = ? and o.status = 'PLACED' and l.kind = 'ITEM'
      group by l.variety_id, l.grade
      order by min(l.item_name), min(l.variety_name), l.grade`,
    [wholesalerId, day],
  );
  const [prices, suggestions] = await Promise.all([
    ctx.em.find(DailyPriceSchema, { wholesalerId, day }),
    suggestionsFor(ctx, picks.map((p) => ({ varietyId: p.variety_id, grade: p.grade }))),
  ]);
  return {
    day,
    orderCount: Number(totals?.orders ?? 0),
    retailerCount: Number(totals?.retailers ?? 0),
    varietyCount: Number(totals?.varieties ?? 0),
    totalQuantity: Number(totals?.quantity ?? 0),
    revenue: Number(totals?.revenue ?? 0),
    unpricedLineCount: Number(totals?.unpriced ?? 0),
    pickList: picks.map((p) => ({
      varietyId: p.variety_id,
      itemName: p.item_name,
      varietyName: p.variety_name,
      grade: p.grade,
      quantity: Number(p.quantity),
      orderCount: Number(p.order_count),
      dailyPrice: prices.find((d) => d.varietyId === p.variety_id && d.grade === p.grade)?.unitPrice ?? null,
      suggestion: suggestions(p.variety_id, p.grade),
    })),
  };
}
