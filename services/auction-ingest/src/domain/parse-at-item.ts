import { isDay } from '@marketbill/platform';
import type { AuctionRow } from './auction-row';
import type { CategoryInfo } from './auction-category';

/** One item of the aT `f001` answer as it arrives: every value a string (numbers too). */
export type AtItem = Record<string, unknown>;

export type ParsedItem = { ok: true; row: AuctionRow } | { ok: false; reason: string };

const INTEGER = /^[0-9]{1,15}$/;

/**
 * A non-negative integer from the API's string (a JSON number that is a safe integer is accepted
 * too). Strict on purpose: `Number("")` is 0 and `parseInt("12abc")` is 12, and either would
 * silently import a wrong price; thousands separators, decimals and signs are refused.
 */
export function parseAmount(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return INTEGER.test(trimmed) ? Number(trimmed) : undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim().replace(/\s+/g, ' ');
  return trimmed.length > 0 && trimmed.length <= 200 ? trimmed : undefined;
}

// The last day asked for that was checked with isDay (a day's rows are parsed one after another).
let lastCheckedDay: string | undefined;
function isExpectedDay(day: string): boolean {
  if (day === lastCheckedDay) return true;
  if (!isDay(day)) return false;
  lastCheckedDay = day;
  return true;
}

const NUMBER_FIELDS = [
  ['minAmt', 'minPrice'],
  ['avgAmt', 'avgPrice'],
  ['maxAmt', 'maxPrice'],
  ['totAmt', 'totalAmount'],
  ['totQty', 'totalQuantity'],
] as const;

/**
 * Turns one aT item into an auction row, or says why it cannot be imported. The grade is read from
 * `lvNm` and, failing that, `lv` (the aT documentation names the field `lv`; the server's VO and
 * its answers use `lvNm`). A row whose `saleDate` is not the day asked for, or whose `flowerGubn`
 * (the category's Korean name, e.g. 절화) is not the category asked for, is refused: upserting it
 * would silently rewrite another day or category. A figure the server sends as "" (a NULL in its
 * database) refuses the row: no price is invented, and the refusal is counted and logged.
 */
export function parseAtItem(item: AtItem, expected: { saleDate: string; category: CategoryInfo }): ParsedItem {
  const saleDate = text(item.saleDate) ?? expected.saleDate;
  // Every row of an answer carries the day asked for: it is checked to be a day once, not per row.
  if (saleDate !== expected.saleDate || !isExpectedDay(saleDate)) {
    if (!isDay(saleDate)) return { ok: false, reason: `saleDate is not a day: ${String(item.saleDate)}` };
    return { ok: false, reason: `saleDate ${saleDate} is not the day asked for (${expected.saleDate})` };
  }
  const categoryName = text(item.flowerGubn);
  if (categoryName !== undefined && categoryName !== expected.category.koreanName && categoryName !== String(expected.category.code)) {
    return { ok: false, reason: `flowerGubn ${categoryName} is not the category asked for (${expected.category.koreanName})` };
  }
  const item_ = text(item.pumName);
  if (!item_) return { ok: false, reason: 'pumName is missing' };
  const variety = text(item.goodName);
  if (!variety) return { ok: false, reason: 'goodName is missing' };
  const grade = text(item.lvNm) ?? text(item.lv);
  if (!grade) return { ok: false, reason: 'neither lvNm nor lv is set' };
  const figures: Partial<Record<(typeof NUMBER_FIELDS)[number][1], number>> = {};
  for (const [field, name] of NUMBER_FIELDS) {
    if (typeof item[field] === 'string' && (item[field] as string).trim() === '') return { ok: false, reason: `${field} is empty (NULL in the aT database)` };
    const value = parseAmount(item[field]);
    if (value === undefined) return { ok: false, reason: `${field} is not a non-negative integer: ${JSON.stringify(item[field] ?? null).slice(0, 40)}` };
    figures[name] = value;
  }
  return {
    ok: true,
    row: {
      saleDate,
      category: expected.category.symbol,
      item: item_,
      variety,
      grade,
      minPrice: figures.minPrice as number,
      avgPrice: figures.avgPrice as number,
      maxPrice: figures.maxPrice as number,
      totalAmount: figures.totalAmount as number,
      totalQuantity: figures.totalQuantity as number,
    },
  };
}
