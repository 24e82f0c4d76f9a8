import { multiplyExact, sumExact } from '@marketbill/platform';
import { MoneyLimitError } from './ordering-errors';

/**
 * Business limits on quantities and money. They are far above any real trade at a flower market
 * (a line of a million stems, a unit price of 100 million won, an order sheet just under 10 trillion won)
 * and low enough that every amount the system computes stays an exact integer everywhere it goes:
 * JavaScript numbers (exact below 2^53 ≈ 9 × 10^15), the Avro `long` fields of the events, billing's
 * ledger (balances are bounded by the same figure) and the statement PDF. Exceeding one is refused
 * with 422 and a code naming the limit; nothing changes.
 */
export const MAX_LINE_QUANTITY = 1_000_000;
export const MAX_UNIT_PRICE = 100_000_000;
/** Below 10^13: the largest amount the statement PDF prints in every cell (13 digits). */
export const MAX_ORDER_TOTAL = 9_999_999_999_999;

/** A cart or order line's quantity. */
export function assertQuantityWithinLimit(quantity: number, lineId?: string): void {
  if (quantity > MAX_LINE_QUANTITY) throw MoneyLimitError.quantity(MAX_LINE_QUANTITY, lineId);
}

/** A unit price (or the amount of the shipping-fee line). */
export function assertUnitPriceWithinLimit(unitPrice: number | null, lineId?: string): void {
  if (unitPrice !== null && unitPrice > MAX_UNIT_PRICE) throw MoneyLimitError.unitPrice(MAX_UNIT_PRICE, lineId);
}

/**
 * Every line of an order sheet within the line limits, and Σ quantity × unit price over its priced
 * lines (the order total, computed exactly) at most {@link MAX_ORDER_TOTAL}.
 */
export function assertOrderWithinLimits(lines: ReadonlyArray<{ id: string; quantity: number; unitPrice: number | null }>): void {
  for (const line of lines) {
    assertQuantityWithinLimit(line.quantity, line.id);
    assertUnitPriceWithinLimit(line.unitPrice, line.id);
  }
  const total = sumExact(lines.map((l) => (l.unitPrice === null ? 0 : multiplyExact(l.quantity, l.unitPrice))));
  if (total > MAX_ORDER_TOTAL) throw MoneyLimitError.orderTotal(MAX_ORDER_TOTAL);
}

/** A payment recorded for a retailer (billing checks the balance it leads to). */
export function assertPaymentWithinLimit(amount: number): void {
  if (amount > MAX_ORDER_TOTAL) throw MoneyLimitError.payment(MAX_ORDER_TOTAL);
}
