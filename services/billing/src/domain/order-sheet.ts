import { multiplyExact } from '@marketbill/platform';

/** Billing's own view of an order sheet, kept from ordering's events (the highest version wins). */
export type OrderLineKind = 'ITEM' | 'CUSTOM' | 'SHIPPING_FEE';
export type BuyerGrade = 'UPPER' | 'MIDDLE' | 'LOWER';

export interface OrderLine {
  lineId: string;
  kind: OrderLineKind;
  itemName: string;
  varietyName: string;
  grade: BuyerGrade | null;
  quantity: number;
  /** KRW; null while the wholesaler has not priced the line. */
  unitPrice: number | null;
  memo: string | null;
}

/**
 * A party of an order sheet. Its phone is sealed for the notifier (billing only passes it on in
 * statement.issued); `phone` is set only in sheets from events written before phones were sealed.
 */
export interface Party {
  id: string;
  name: string;
  phone: string | null;
  sealedPhone: string | null;
}

export interface OrderSheet {
  orderId: string;
  orderNumber: string;
  version: number;
  status: 'PLACED' | 'CANCELLED';
  saleDay: string;
  placedAt: Date;
  wholesaler: Party;
  retailer: Party;
  lines: OrderLine[];
}

/** 상/중/하 as printed. */
export const GRADE_LABELS: Record<BuyerGrade, string> = { UPPER: '상', MIDDLE: '중', LOWER: '하' };

/**
 * The money rule every MarketBill total follows (ordering uses the same): a line's amount is
 * quantity × unit price, integer KRW; a total is the sum of line amounts.
 */
export function lineAmount(quantity: number, unitPrice: number): number {
  return multiplyExact(quantity, unitPrice);
}

/** Lines of the order sheets that have no unit price yet. */
export function unpricedLines(orders: OrderSheet[]): Array<{ orderId: string; orderNumber: string; lineId: string; itemName: string; varietyName: string }> {
  return orders.flatMap((order) =>
    order.lines
      .filter((line) => line.unitPrice === null)
      .map((line) => ({ orderId: order.orderId, orderNumber: order.orderNumber, lineId: line.lineId, itemName: line.itemName, varietyName: line.varietyName })),
  );
}
