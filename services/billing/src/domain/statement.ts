import { GRADE_LABELS, lineAmount, type OrderSheet, type Party } from './order-sheet';
import type { BuyerBusiness } from './retailer-profile';
import type { WholesalerProfile } from './wholesaler-profile';

/** One printed line of a statement, frozen when the statement is reserved. */
export interface StatementLine {
  orderId: string;
  orderNumber: string;
  lineId: string;
  kind: 'ITEM' | 'CUSTOM' | 'SHIPPING_FEE';
  /** 품목 as printed, e.g. `장미 레드나오미`. */
  item: string;
  /** 규격·등급 as printed, e.g. `상`. */
  spec: string;
  itemName: string;
  varietyName: string;
  grade: 'UPPER' | 'MIDDLE' | 'LOWER' | null;
  quantity: number;
  unitPrice: number;
  amount: number;
  memo: string | null;
}

/** The footer figures 전잔액 / 합계 / 입금 / 잔액 of one statement. */
export interface LedgerFigures {
  previousBalance: number;
  total: number;
  payments: number;
  balance: number;
}

/**
 * Everything a statement prints, frozen at reservation: rendering and re-rendering (a resumed
 * issue) read only this, never the live order view or profile.
 */
export interface StatementContent {
  number: string;
  version: number;
  issueDay: string;
  supplier: Omit<WholesalerProfile, 'version'>;
  /** The retailer; `business` is its profile when it has one (absent in statements frozen before retailers had profiles). */
  buyer: Party & { business?: BuyerBusiness | null };
  orders: Array<{ orderId: string; orderNumber: string; orderVersion: number; saleDay: string }>;
  lines: StatementLine[];
  figures: LedgerFigures;
}

/**
 * The lines of a statement from its order sheets: orders by order number, lines in their display
 * order. Every line must be priced (the caller checked). A shipping-fee line appears once per order,
 * as the order holds it; nothing is dropped or merged, so the statement total equals the sum of the
 * orders' totals under the same money rule.
 */
export function toStatementLines(orders: OrderSheet[]): StatementLine[] {
  const sorted = [...orders].sort((a, b) => a.orderNumber.localeCompare(b.orderNumber));
  return sorted.flatMap((order) =>
    order.lines.map((line) => {
      if (line.unitPrice === null) throw new Error(`line ${line.lineId} is unpriced`);
      const item =
        line.kind === 'SHIPPING_FEE' ? '배송비' : [line.itemName, line.varietyName].map((s) => s.trim()).filter(Boolean).join(' ');
      return {
        orderId: order.orderId,
        orderNumber: order.orderNumber,
        lineId: line.lineId,
        kind: line.kind,
        item,
        spec: line.grade ? GRADE_LABELS[line.grade] : '',
        itemName: line.itemName,
        varietyName: line.varietyName,
        grade: line.grade,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        amount: lineAmount(line.quantity, line.unitPrice),
        memo: line.memo,
      };
    }),
  );
}

/** 합계: the sum of the line amounts. */
export function statementTotal(lines: Array<{ amount: number }>): number {
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  if (!Number.isSafeInteger(total)) throw new RangeError('statement total out of range');
  return total;
}

/**
 * Footer of a first issue. `balance` is what the pair's ledger says the retailer owes now and
 * `unbilledPayments` the payments recorded since the pair's previous statement: 입금 shows those,
 * 전잔액 is the balance carried from the previous statement (before those payments), and
 * 잔액 = 전잔액 + 합계 − 입금 is what the retailer owes once this statement is charged.
 */
export function firstIssueFigures(balance: number, unbilledPayments: number, total: number): LedgerFigures {
  const previousBalance = balance + unbilledPayments;
  return { previousBalance, total, payments: unbilledPayments, balance: previousBalance + total - unbilledPayments };
}

/**
 * Footer of a re-issue: the corrected copy of the same statement, so 전잔액 and 입금 stay those of
 * the version it supersedes and only 합계 (and so 잔액) change. The ledger reverses the old
 * version's charge and charges the new one, so the pair's balance moves by the difference only.
 */
export function reissueFigures(superseded: LedgerFigures, total: number): LedgerFigures {
  return { previousBalance: superseded.previousBalance, total, payments: superseded.payments, balance: superseded.previousBalance + total - superseded.payments };
}

/**
 * Statement numbers are per wholesaler and month of issue: `YYMM-NNNNN` (2611-00017), readable on
 * the phone and sortable; the sequence restarts each month.
 */
export function formatStatementNumber(issueDay: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`bad sequence ${sequence}`);
  return `${issueDay.slice(2, 4)}${issueDay.slice(5, 7)}-${String(sequence).padStart(5, '0')}`;
}

/** The month a statement number counts in: `2611` for 2026-11-26. */
export function statementPeriod(issueDay: string): string {
  return `${issueDay.slice(2, 4)}${issueDay.slice(5, 7)}`;
}

/**
 * The S3 key of one rendered version. It names the wholesaler, number, version and the statement
 * id (a UUID made for this version), so two statements never share a key and a re-issue never
 * overwrites the PDF it supersedes.
 */
export function statementObjectKey(wholesalerId: string, number: string, version: number, statementId: string): string {
  return `statements/${wholesalerId}/${number}/v${version}-${statementId}.pdf`;
}
