import { z } from 'zod';
import { pageOf } from '@marketbill/platform';
import { MAX_ORDER_TOTAL } from '../../domain/money-limits';
import { day, grade, id, instant, pageQuery, request, response, text } from './shared-schemas';

// ── statements, ledger and payments (proxied to billing's internal API) ─────────────────────────
const StatementParty = z.object({ id: id(), name: z.string() });
export const StatementSummary = response(
  'StatementSummary',
  z.object({
    id: id(),
    number: z.string().describe('Unique per wholesaler; a re-issue keeps it and raises the version.'),
    version: z.int(),
    supersedes: id().nullable(),
    supersededBy: id().nullable(),
    status: z.enum(['CURRENT', 'SUPERSEDED']),
    issuedAt: instant().nullable(),
    issueDay: day(),
    wholesaler: StatementParty.extend({ companyName: z.string() }),
    retailer: StatementParty,
    orders: z.array(z.object({ orderId: id(), orderNumber: z.string() })),
    lineCount: z.int(),
    total: z.int().describe('합계 — Σ quantity × unit price of its lines, KRW.'),
    previousBalance: z.int().describe('전잔액 — what the retailer owed before this statement, KRW.'),
    payments: z.int().describe('입금 — payments since the pair’s previous statement, KRW.'),
    balance: z.int().describe('잔액 — previousBalance + total − payments, KRW.'),
    pages: z.int().nullable(),
    ordersChanged: z.boolean().describe('An order changed after the statement was issued (re-issue to print the change).'),
  }),
);
export const StatementPage = response('StatementPage', pageOf(StatementSummary));
export const StatementDetail = response(
  'StatementDetail',
  StatementSummary.extend({
    supplier: z.object({
      businessNumber: z.string(),
      companyName: z.string(),
      representative: z.string(),
      address: z.string(),
      phone: z.string(),
      businessType: z.string(),
      businessItem: z.string(),
      bankAccount: z.string(),
    }),
    lines: z.array(
      z.object({
        orderId: id(),
        orderNumber: z.string(),
        lineId: id(),
        kind: z.enum(['ITEM', 'CUSTOM', 'SHIPPING_FEE']),
        itemName: z.string(),
        varietyName: z.string(),
        grade: grade.nullable(),
        quantity: z.int(),
        unitPrice: z.int(),
        amount: z.int(),
        memo: z.string().nullable(),
      }),
    ),
    document: z.object({ sha256: z.string().nullable(), sizeBytes: z.int().nullable(), pages: z.int().nullable() }),
  }),
);
export const statementQuery = z.object({
  ...pageQuery,
  retailerId: id().optional().describe('Wholesaler side: one retailer’s statements.'),
  wholesalerId: id().optional().describe('Retailer side: one wholesaler’s statements.'),
  from: day().optional(),
  to: day().optional(),
});
export const StatementRequest = request(
  'StatementRequest',
  z
    .union([
      z.object({ orderIds: z.array(id()).min(1).max(100).describe('One order sheet, or several of one retailer.') }).strict(),
      z.object({ retailerId: id(), day: day().describe('All of that retailer’s order sheets of this Seoul day.') }).strict(),
    ])
    .describe('Either the order sheets, or a retailer and a day.'),
);
export const StatementDownload = response(
  'StatementDownload',
  z.object({ url: z.string().describe('Presigned GET of the PDF; valid a few minutes.'), expiresAt: instant() }),
);
export const Ledger = response(
  'Ledger',
  z.object({
    wholesalerId: id(),
    retailerId: id(),
    balance: z.int().describe('What the retailer owes the wholesaler now, KRW.'),
    entries: z.array(
      z.object({
        id: id(),
        kind: z.enum(['CHARGE', 'PAYMENT']),
        at: instant(),
        amount: z.int(),
        statementId: id().nullable(),
        memo: z.string().nullable(),
        balanceAfter: z.int(),
        recordedAt: instant(),
      }),
    ),
  }),
);
export const ledgerQuery = z.object({
  retailerId: id().optional().describe('Wholesaler side (owner or staff): the retailer. Required for them.'),
  wholesalerId: id().optional().describe('Retailer side: the wholesaler. Required for a retailer.'),
});
export const PaymentInput = request(
  'PaymentInput',
  z
    .object({
      retailerId: id(),
      amount: z
        .int()
        .min(1)
        .meta({ maximum: MAX_ORDER_TOTAL, description: `KRW received, at most ${MAX_ORDER_TOTAL.toLocaleString('en-US')} (above: 422 payment-limit-exceeded).` }),
      paidAt: z.iso.datetime({ offset: true }).optional(),
      memo: text(200).optional(),
    })
    .strict(),
);
export const Payment = response(
  'Payment',
  z.object({
    id: id(),
    wholesalerId: id(),
    retailerId: id(),
    amount: z.int(),
    paidAt: instant(),
    memo: z.string().nullable(),
    recordedBy: id(),
    recordedAt: instant(),
    balanceAfter: z.int(),
  }),
);

// Shared by the routes of this area (they import one schema module).
export { idParam } from './shared-schemas';
