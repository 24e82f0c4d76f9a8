import type { EntityManager } from '@mikro-orm/postgresql';
import { DailyPriceSchema, type DailyPrice } from './entities';

/** Sets (or replaces) the wholesaler's price of a variety and grade for a day. */
export function upsertDailyPrice(em: EntityManager, price: DailyPrice): Promise<DailyPrice> {
  return em.upsert(DailyPriceSchema, price);
}

/** The wholesaler's prices of one day. */
export function dailyPricesOf(em: EntityManager, wholesalerId: string, day: string): Promise<DailyPrice[]> {
  return em.find(DailyPriceSchema, { wholesalerId, day });
}
