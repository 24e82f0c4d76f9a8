/**
 * The human-readable order number: the Seoul day as YYMMDD, a dash, and the day's sequence number
 * with at least six digits (`261126-000042`). Unique because the sequence is unique per day.
 */
export function formatOrderNumber(saleDay: string, sequence: number): string {
  const [y, m, d] = saleDay.split('-') as [string, string, string];
  return `${y.slice(2)}${m}${d}-${String(sequence).padStart(6, '0')}`;
}
