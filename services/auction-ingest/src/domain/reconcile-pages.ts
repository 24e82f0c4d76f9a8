import type { AtItem } from './parse-at-item';

/**
 * The identity of an answer row as the server groups it: day, item, variety and grade exactly as
 * sent (untrimmed). Within one query result the server's GROUP BY makes it unique.
 */
export function rawKeyOf(item: AtItem): string {
  return JSON.stringify([item.saleDate, item.pumName, item.goodName, item.lvNm ?? item.lv].map((v) => (typeof v === 'string' ? v : String(v ?? ''))));
}

const FIGURES = ['maxAmt', 'minAmt', 'avgAmt', 'totAmt', 'totQty'] as const;
const sameFigures = (a: AtItem, b: AtItem) => FIGURES.every((f) => String(a[f] ?? '') === String(b[f] ?? ''));

export interface ReconciledPages {
  /** Every distinct row, in the order first seen (a repeat with other figures replaces the older copy in place). */
  items: AtItem[];
  /** Rows that appeared on more than one page: kept once, never added up. */
  repeated: number;
  /** Of those, rows whose figures differed between the pages (the day changed while paging; the later copy is kept). */
  changedRepeats: number;
}

/**
 * Joins the pages of one day read with ROWNUM paging. The server orders by quantity with no
 * tie-breaker, so each page query may order rows of equal quantity differently: a row can come on
 * two pages (and another then on none). A repeat is the same row, never a second lot — adding it up
 * would double its quantity and amount — so it is kept once.
 */
export function reconcilePages(pages: readonly (readonly AtItem[])[]): ReconciledPages {
  const byKey = new Map<string, number>();
  const items: AtItem[] = [];
  let repeated = 0;
  let changedRepeats = 0;
  for (const page of pages) {
    for (const item of page) {
      const key = rawKeyOf(item);
      const at = byKey.get(key);
      if (at === undefined) {
        byKey.set(key, items.length);
        items.push(item);
        continue;
      }
      repeated++;
      if (!sameFigures(items[at] as AtItem, item)) {
        changedRepeats++;
        items[at] = item;
      }
    }
  }
  return { items, repeated, changedRepeats };
}

/**
 * Page boundaries where the order is not determined: the last row of a page and the first of the
 * next have the same quantity, so rows of that quantity may have been repeated or skipped there.
 * Returns the numbers (1-based) of the pages on either side of such a boundary.
 */
export function pagesAtTiedBoundaries(pages: readonly (readonly AtItem[])[]): number[] {
  const out = new Set<number>();
  for (let i = 0; i + 1 < pages.length; i++) {
    const last = pages[i]?.at(-1);
    const next = pages[i + 1]?.[0];
    if (last && next && String(last.totQty ?? '') === String(next.totQty ?? '')) {
      out.add(i + 1);
      out.add(i + 2);
    }
  }
  return [...out].sort((a, b) => a - b);
}
