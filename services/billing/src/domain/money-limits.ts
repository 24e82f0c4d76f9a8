/**
 * The money limits billing holds to (ordering enforces the same at the edge; the Avro schemas
 * document them): a line of at most 1,000,000 × 100,000,000 KRW, an order sheet, a statement total,
 * a payment and a pair's balance each within ±9,999,999,999,999 KRW (below 10^13). Every figure billing computes then stays
 * an exact integer in JavaScript, Postgres `bigint`, the Avro `long` and the PDF.
 */
export const MAX_LINE_QUANTITY = 1_000_000;
export const MAX_UNIT_PRICE = 100_000_000;
/** Below 10^13: the largest amount the statement PDF prints in every cell (13 digits). */
export const MAX_AMOUNT = 9_999_999_999_999;

/** Whether |amount| is within {@link MAX_AMOUNT}. */
export function withinAmountLimit(amount: number): boolean {
  return Number.isSafeInteger(amount) && Math.abs(amount) <= MAX_AMOUNT;
}
