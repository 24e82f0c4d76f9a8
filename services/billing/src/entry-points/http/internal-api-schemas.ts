import { z } from 'zod';
import { createSchemaCatalogue, isDay, pageOf, pageQuery } from '@marketbill/platform';

/**
 * The request and response schemas of billing's internal API, registered in one catalogue: the
 * routes parse with them and the contract (schemas/billing/internal-api.openapi.json, from which
 * the callers' types are generated) is made from them.
 */
export const catalogue = createSchemaCatalogue();
const { request, response } = catalogue;

const id = () => z.uuid();
const instant = () => z.iso.datetime({ offset: true });
const day = () => z.string().refine(isDay, 'must be a day YYYY-MM-DD').describe('A Seoul day, YYYY-MM-DD.');

export const idParams = z.object({ id: id() });

export const listQuery = z.object({
  retailerId: id().optional(),
  wholesalerId: id().optional(),
  from: day().optional(),
  to: day().optional(),
  ...pageQuery(),
});

/** Order id → the version the edge holds; billing waits until its view has caught up (see awaitOrderViews). */
const expectedVersions = z
  .record(id(), z.number().int().positive())
  .optional()
  .describe('Order id → the version the caller holds; billing waits (ORDER_VIEW_WAIT_MS) until its view of each order caught up, else 503 order-view-behind.');

export const IssueRequest = request(
  'IssueRequest',
  z.union([
    z.object({ orderIds: z.array(id()).min(1).max(100), expectedVersions }).strict(),
    z.object({ retailerId: id(), day: day(), expectedVersions }).strict(),
  ]),
);

export const ReissueRequest = request('ReissueRequest', z.object({ expectedVersions }).strict());

export const ledgerQuery = z.object({ retailerId: id().optional(), wholesalerId: id().optional() });

export const PaymentRequest = request(
  'PaymentRequest',
  z
    .object({
      retailerId: id(),
      // The limit (below 10^13) is checked by recordPayment: 422 payment-limit-exceeded, not a 400.
      amount: z.number().int().positive(),
      paidAt: instant().optional(),
      memo: z.string().trim().max(200).optional(),
    })
    .strict(),
);

const party = z.object({ id: id(), name: z.string() });

export const StatementSummary = response(
  'StatementSummary',
  z.object({
    id: id(),
    number: z.string(),
    version: z.int(),
    supersedes: id().nullable(),
    supersededBy: id().nullable(),
    status: z.enum(['CURRENT', 'SUPERSEDED']),
    issuedAt: z.string().nullable().describe('ISO 8601 instant.'),
    issueDay: z.string().describe('A Seoul day, YYYY-MM-DD.'),
    wholesaler: party.extend({ companyName: z.string() }),
    retailer: party,
    orders: z.array(z.object({ orderId: id(), orderNumber: z.string() })),
    lineCount: z.int(),
    total: z.int(),
    previousBalance: z.int(),
    payments: z.int(),
    balance: z.int(),
    pages: z.int().nullable(),
    ordersChanged: z.boolean().describe('An included order sheet changed after this version was issued.'),
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
        grade: z.enum(['UPPER', 'MIDDLE', 'LOWER']).nullable(),
        quantity: z.int(),
        unitPrice: z.int(),
        amount: z.int(),
        memo: z.string().nullable(),
      }),
    ),
    document: z.object({ sha256: z.string().nullable(), sizeBytes: z.int().nullable(), pages: z.int().nullable() }),
  }),
);

export const StatementDownload = response('StatementDownload', z.object({ url: z.string(), expiresAt: z.string().describe('ISO 8601 instant.') }));

export const Ledger = response(
  'Ledger',
  z.object({
    wholesalerId: id(),
    retailerId: id(),
    balance: z.int(),
    entries: z.array(
      z.object({
        id: id(),
        kind: z.enum(['CHARGE', 'PAYMENT']),
        at: z.string().describe('ISO 8601 instant.'),
        amount: z.int(),
        statementId: id().nullable(),
        memo: z.string().nullable(),
        balanceAfter: z.int(),
        recordedAt: z.string().describe('ISO 8601 instant.'),
      }),
    ),
  }),
);

export const Payment = response(
  'Payment',
  z.object({
    id: id(),
    wholesalerId: id(),
    retailerId: id(),
    amount: z.int(),
    paidAt: z.string().describe('ISO 8601 instant.'),
    memo: z.string().nullable(),
    recordedBy: id().describe('The account that recorded it.'),
    recordedAt: z.string().describe('ISO 8601 instant.'),
    balanceAfter: z.int(),
  }),
);
