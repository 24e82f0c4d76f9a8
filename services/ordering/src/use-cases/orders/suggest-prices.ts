import { auctionPricesOf } from '../../data-access/catalog-repository';
import { actingWholesaler, type Actor } from '../../domain/actor';
import type { BuyerGrade } from '../../domain/grade';
import { suggestPrice, type PriceSuggestion } from '../../domain/price-suggestion';
import type { UseCaseContext } from '../context';
import { getOrder } from './get-order';

/** Suggested unit prices for the catalog lines of an order, from the latest auction averages. */
export async function suggestOrderPrices(ctx: UseCaseContext, actor: Actor, orderId: string): Promise<Array<{ lineId: string; suggestion: PriceSuggestion | null }>> {
  actingWholesaler(actor);
  const { lines } = await getOrder(ctx, actor, orderId);
  const items = lines.filter((l) => l.kind === 'ITEM' && l.varietyId && l.grade);
  const suggestions = await suggestionsFor(ctx, items.map((l) => ({ varietyId: l.varietyId as string, grade: l.grade as BuyerGrade })));
  return items.map((l) => ({ lineId: l.id, suggestion: suggestions(l.varietyId as string, l.grade as BuyerGrade) }));
}

/** A lookup of suggestions for many (variety, grade) pairs with one query. */
export async function suggestionsFor(ctx: UseCaseContext, pairs: Array<{ varietyId: string; grade: BuyerGrade }>): Promise<(varietyId: string, grade: BuyerGrade) => PriceSuggestion | null> {
  const prices = await auctionPricesOf(ctx.em, pairs.map((p) => p.varietyId));
  return (varietyId, grade) => suggestPrice(prices.filter((p) => p.varietyId === varietyId), grade);
}
