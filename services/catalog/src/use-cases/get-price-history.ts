import type { EntityManager } from '@mikro-orm/core';
import { addDays, seoulDay } from '@marketbill/platform';
import { PriceWindowError, VarietyNotFoundError } from '../domain/catalog-errors';
import { findVariety, priceSeries } from '../data-access/catalog-read-repository';

/** Longest window a history request may span. */
export const MAX_HISTORY_DAYS = 366;
/** Window when none is given: the last 90 days. */
const DEFAULT_HISTORY_DAYS = 90;

/** A variety's price series in one grade over a window (inclusive), ordered by day. */
export async function getPriceHistory(em: EntityManager, q: { varietyId: string; grade: string; from?: string; to?: string; today?: string }) {
  const to = q.to ?? (q.from ? addDays(q.from, DEFAULT_HISTORY_DAYS - 1) : (q.today ?? seoulDay()));
  const from = q.from ?? addDays(to, -(DEFAULT_HISTORY_DAYS - 1));
  if (from > to) throw PriceWindowError.reversed('from');
  if (addDays(from, MAX_HISTORY_DAYS - 1) < to) throw PriceWindowError.tooLong(MAX_HISTORY_DAYS);
  if (!(await findVariety(em, q.varietyId))) throw VarietyNotFoundError.byId(q.varietyId);
  const points = await priceSeries(em, q.varietyId, q.grade, from, to);
  return {
    varietyId: q.varietyId,
    grade: q.grade,
    points: points.map(({ grade: _grade, ...point }) => point),
  };
}
