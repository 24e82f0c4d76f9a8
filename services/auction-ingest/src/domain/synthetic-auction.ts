import type { AuctionCategory } from '@marketbill/schemas';
import { SYNTHETIC_NAMES, type SyntheticItem } from './synthetic-names';
import type { CategoryInfo } from './auction-category';

/** One synthetic sales lot: a row of the auction's sales table before the API groups it. */
export interface SyntheticLot {
  saleDate: string;
  flowerGubn: string;
  pumName: string;
  goodName: string;
  lvNm: string;
  maxAmt: number;
  minAmt: number;
  totAmt: number;
  totQty: number;
}

/**
 * A deterministic generator of SYNTHETIC auction days, as the sales lots the aT server groups
 * into its answer (the replay server answers through the same model of the server as the tests'
 * fake, so the rows come out in the real shape: strings, avgAmt = round(Σ amount / Σ quantity),
 * ties in quantity). Everything derives from (seed, day, category) through a small PRNG, so the
 * same day is the same data on every machine and every run, and a replayed day re-imports as
 * "unchanged".
 *
 * Shape of the data: Sundays have no auction (an empty answer); each category has about
 * `varietiesPerCategory` varieties of which a rotating subset trades each day, in one to all of the
 * category's grades, for about `rowsPerDay` rows, each sold in one to three lots at their own
 * prices; prices follow the item's base price, the variety, the grade, a seasonal curve (peaks
 * before Valentine's day, graduations and Parents' day) and daily noise. It is not market data and
 * says so in every answer.
 */
export interface SyntheticOptions {
  seed: string;
  /** Target rows per category per auction day (about; default 1000). */
  rowsPerDay?: number;
  /** Varieties in each category's catalogue (default 1500). */
  varietiesPerCategory?: number;
}

interface SyntheticVariety {
  item: SyntheticItem;
  name: string;
  priceFactor: number;
  volume: number;
  /** Probability of trading on a given auction day, before scaling to the row target. */
  popularity: number;
  grades: string[];
}

/** FNV-1a 32-bit hash: seeds the PRNG from a string. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny, fast, good-enough PRNG for test data (not for anything secret). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const catalogues = new Map<string, SyntheticVariety[]>();

/** The category's synthetic catalogue (real names first, then composed ones), cached per seed and size. */
export function syntheticCatalogue(category: AuctionCategory, seed: string, size: number): SyntheticVariety[] {
  const cacheKey = `${category}|${seed}|${size}`;
  const cached = catalogues.get(cacheKey);
  if (cached) return cached;
  const names = SYNTHETIC_NAMES[category];
  const random = prng(hash32(`catalogue|${seed}|${category}`));
  const totalWeight = names.items.reduce((sum, item) => sum + item.weight, 0);
  const varieties: SyntheticVariety[] = [];
  const composed = names.expansionParts.prefixes.flatMap((p) => names.expansionParts.suffixes.map((s) => `${p}${s}`));
  for (const item of names.items) {
    const quota = Math.max(item.varieties.length, Math.round((size * item.weight) / totalWeight));
    const own = new Set(item.varieties);
    const extra = composed.filter((n) => !own.has(n));
    // A per-item rotation of the composed names, so two items do not share the same list.
    const offset = hash32(item.name) % Math.max(1, extra.length);
    const chosen = [...item.varieties];
    for (let i = 0; chosen.length < quota && i < extra.length; i++) chosen.push(extra[(offset + i) % extra.length] as string);
    for (const name of chosen) {
      const gradeCount = 1 + Math.floor(random() * names.grades.length);
      varieties.push({
        item,
        name,
        priceFactor: 0.6 + random(),
        volume: 5 + Math.floor(random() ** 2 * 400),
        popularity: 0.05 + random() * 0.45,
        grades: names.grades.slice(0, gradeCount),
      });
    }
  }
  catalogues.set(cacheKey, varieties);
  return varieties;
}

const GRADE_FACTORS = [1.35, 1.15, 1.0, 0.8, 0.6];

/** Demand peaks of the Korean flower year: Valentine's day, graduations (mid-February), Parents' day (8 May), Teachers' day (15 May). */
function seasonalFactor(day: string): number {
  const [, m, d] = day.split('-').map(Number) as [number, number, number];
  const dayOfYear = (m - 1) * 30.5 + d;
  const peaks = [44, 48, 128, 135];
  let factor = 1;
  for (const peak of peaks) {
    const distance = Math.abs(dayOfYear - peak);
    if (distance < 12) factor += 0.12 * (1 - distance / 12);
  }
  // Summer is the low season for cut flowers.
  if (m >= 7 && m <= 8) factor *= 0.85;
  return factor;
}

function roundTo(value: number, step: number): number {
  return Math.max(step, Math.round(value / step) * step);
}

/** True when the synthetic market holds an auction that day (every day but Sunday). */
export function isSyntheticAuctionDay(day: string): boolean {
  return new Date(`${day}T00:00:00Z`).getUTCDay() !== 0;
}

/** The synthetic sales lots of one auction day and category (grouped by the server into about `rowsPerDay` rows). */
export function syntheticSaleLots(saleDate: string, category: CategoryInfo, options: SyntheticOptions): SyntheticLot[] {
  if (!isSyntheticAuctionDay(saleDate)) return [];
  const rowsPerDay = options.rowsPerDay ?? 1000;
  const catalogue = syntheticCatalogue(category.symbol, options.seed, options.varietiesPerCategory ?? 1500);
  const expectedRows = catalogue.reduce((sum, v) => sum + v.popularity * v.grades.length, 0);
  const scale = rowsPerDay / expectedRows;
  const random = prng(hash32(`day|${options.seed}|${category.symbol}|${saleDate}`));
  const season = seasonalFactor(saleDate);
  const lots: SyntheticLot[] = [];
  for (const variety of catalogue) {
    if (random() >= variety.popularity * scale) continue;
    const dayNoise = 0.85 + random() * 0.3;
    variety.grades.forEach((grade, index) => {
      const price = variety.item.basePrice * variety.priceFactor * (GRADE_FACTORS[index] ?? 0.5) * season * dayNoise;
      const quantity = Math.max(1, Math.round(variety.volume * (1.2 - index * 0.25) * (0.5 + random())));
      // One to three shippers' lots, each sold around its own price.
      const lotCount = Math.min(quantity, 1 + Math.floor(random() * random() * 3));
      let left = quantity;
      for (let lot = 0; lot < lotCount; lot++) {
        // Every lot keeps at least one unit (a group summing to 0 would fail the server's query).
        const lotQty = lot === lotCount - 1 ? left : Math.min(left - (lotCount - 1 - lot), Math.max(1, Math.round(left * (0.3 + random() * 0.4))));
        left -= lotQty;
        const lotAvg = roundTo(price * (0.9 + random() * 0.2), 10);
        const min = Math.min(lotAvg, roundTo(lotAvg * (0.45 + random() * 0.45), 10));
        const max = Math.max(lotAvg, roundTo(lotAvg * (1.05 + random() * 0.9), 10));
        lots.push({ saleDate, flowerGubn: String(category.code), pumName: variety.item.name, goodName: variety.name, lvNm: grade, maxAmt: max, minAmt: min, totAmt: lotAvg * lotQty, totQty: lotQty });
      }
    });
  }
  return lots;
}
