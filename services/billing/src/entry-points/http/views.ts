import { formatBusinessNumber } from '../../domain/wholesaler-profile';
import type { LedgerEntryRow, LedgerView } from '../../use-cases/get-ledger';
import type { PaymentRow } from '../../use-cases/record-payment';
import type { StatementListItem } from '../../use-cases/list-statements';

/** The statement summary of the internal API (lists and the head of the detail). */
export function toStatementSummary({ statement, ordersChanged }: StatementListItem) {
  const { content } = statement;
  return {
    id: statement.id,
    number: statement.number,
    version: statement.version,
    supersedes: statement.supersedesId,
    supersededBy: statement.supersededById,
    status: statement.supersededById ? ('SUPERSEDED' as const) : ('CURRENT' as const),
    issuedAt: statement.issuedAt?.toISOString() ?? null,
    issueDay: statement.issueDay,
    wholesaler: { id: statement.wholesalerId, name: content.supplier.shopName, companyName: content.supplier.companyName },
    retailer: { id: statement.retailerId, name: content.buyer.name },
    orders: content.orders.map((o) => ({ orderId: o.orderId, orderNumber: o.orderNumber })),
    lineCount: statement.lineCount,
    total: statement.total,
    previousBalance: statement.previousBalance,
    payments: statement.payments,
    balance: statement.balance,
    pages: statement.pages,
    ordersChanged,
  };
}

/** The statement with its supplier block, lines and document facts. */
export function toStatementDetail(item: StatementListItem) {
  const { statement } = item;
  const { supplier } = statement.content;
  return {
    ...toStatementSummary(item),
    supplier: {
      businessNumber: formatBusinessNumber(supplier.businessNumber),
      companyName: supplier.companyName,
      representative: supplier.representative,
      address: supplier.address,
      phone: supplier.phone,
      businessType: supplier.businessType,
      businessItem: supplier.businessItem,
      bankAccount: supplier.bankAccount,
    },
    lines: statement.content.lines.map((l) => ({
      orderId: l.orderId,
      orderNumber: l.orderNumber,
      lineId: l.lineId,
      kind: l.kind,
      itemName: l.itemName,
      varietyName: l.varietyName,
      grade: l.grade,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      amount: l.amount,
      memo: l.memo,
    })),
    document: { sha256: statement.sha256, sizeBytes: statement.sizeBytes, pages: statement.pages },
  };
}

export function toLedgerEntryView(entry: LedgerEntryRow) {
  return {
    id: entry.id,
    kind: entry.kind,
    at: entry.at.toISOString(),
    amount: entry.amount,
    statementId: entry.statementId,
    memo: entry.memo,
    balanceAfter: entry.balanceAfter,
    recordedAt: entry.recordedAt.toISOString(),
  };
}

export function toLedgerView(ledger: LedgerView) {
  return { wholesalerId: ledger.wholesalerId, retailerId: ledger.retailerId, balance: ledger.balance, entries: ledger.entries.map(toLedgerEntryView) };
}

export function toPaymentView(payment: PaymentRow) {
  return {
    id: payment.id,
    wholesalerId: payment.wholesalerId,
    retailerId: payment.retailerId,
    amount: payment.amount,
    paidAt: payment.at.toISOString(),
    memo: payment.memo,
    recordedBy: payment.recordedBy,
    recordedAt: payment.recordedAt.toISOString(),
    balanceAfter: payment.balanceAfter,
  };
}
