import { BigIntType, EntitySchema } from '@mikro-orm/core';
import type { OrderLine } from '../domain/order-sheet';
import type { StatementContent } from '../domain/statement';

const timestamptz = { type: 'Date', columnType: 'timestamptz' } as const;
const money = () => ({ type: new BigIntType('number') });

/** Billing's copy of an order sheet (ordering's OrderSnapshot with the highest version seen). */
export interface OrderSheetRow {
  orderId: string;
  orderNumber: string;
  version: number;
  status: 'PLACED' | 'CANCELLED';
  saleDay: string;
  placedAt: Date;
  wholesalerId: string;
  wholesalerName: string;
  /** In clear only in rows from events written before phones were sealed. */
  wholesalerPhone: string | null;
  wholesalerSealedPhone: string | null;
  retailerId: string;
  retailerName: string;
  retailerPhone: string | null;
  retailerSealedPhone: string | null;
  lines: OrderLine[];
  updatedAt: Date;
}

export const OrderSheetSchema = new EntitySchema<OrderSheetRow>({
  name: 'OrderSheet',
  tableName: 'order_sheet',
  properties: {
    orderId: { type: 'uuid', primary: true },
    orderNumber: { type: 'text' },
    version: { type: 'integer' },
    status: { type: 'text' },
    saleDay: { type: 'text' },
    placedAt: timestamptz,
    wholesalerId: { type: 'uuid' },
    wholesalerName: { type: 'text' },
    wholesalerPhone: { type: 'text', nullable: true },
    wholesalerSealedPhone: { type: 'text', nullable: true },
    retailerId: { type: 'uuid' },
    retailerName: { type: 'text' },
    retailerPhone: { type: 'text', nullable: true },
    retailerSealedPhone: { type: 'text', nullable: true },
    lines: { type: 'json' },
    updatedAt: timestamptz,
  },
});

/** Billing's copy of a wholesaler's business profile (the supplier block). */
export interface WholesalerProfileRow {
  wholesalerId: string;
  version: number;
  shopName: string;
  ownerPhone: string | null;
  sealedOwnerPhone: string | null;
  businessNumber: string;
  companyName: string;
  representative: string;
  address: string;
  phone: string;
  businessType: string;
  businessItem: string;
  bankAccount: string;
  sealImageUrl: string | null;
  updatedAt: Date;
}

export const WholesalerProfileSchema = new EntitySchema<WholesalerProfileRow>({
  name: 'WholesalerProfile',
  tableName: 'wholesaler_profile',
  properties: {
    wholesalerId: { type: 'uuid', primary: true },
    version: { type: 'integer' },
    shopName: { type: 'text' },
    ownerPhone: { type: 'text', nullable: true },
    sealedOwnerPhone: { type: 'text', nullable: true },
    businessNumber: { type: 'text' },
    companyName: { type: 'text' },
    representative: { type: 'text' },
    address: { type: 'text' },
    phone: { type: 'text' },
    businessType: { type: 'text' },
    businessItem: { type: 'text' },
    bankAccount: { type: 'text' },
    sealImageUrl: { type: 'text', nullable: true },
    updatedAt: timestamptz,
  },
});

/** The newest business profile of a retailer (table `retailer_profile`). */
export interface RetailerProfileRow {
  retailerId: string;
  version: number;
  businessNumber: string;
  companyName: string;
  representative: string;
  address: string;
  businessType: string | null;
  businessItem: string | null;
  updatedAt: Date;
}

export const RetailerProfileSchema = new EntitySchema<RetailerProfileRow>({
  name: 'RetailerProfile',
  tableName: 'retailer_profile',
  properties: {
    retailerId: { type: 'uuid', primary: true },
    version: { type: 'integer' },
    businessNumber: { type: 'text' },
    companyName: { type: 'text' },
    representative: { type: 'text' },
    address: { type: 'text' },
    businessType: { type: 'text', nullable: true },
    businessItem: { type: 'text', nullable: true },
    updatedAt: timestamptz,
  },
});

export type StatementStatus = 'RESERVED' | 'ISSUED' | 'RELEASED';

/** One version of a statement: reserved (number, content, figures), then issued with its PDF, or released. */
export interface StatementRow {
  id: string;
  wholesalerId: string;
  retailerId: string;
  number: string;
  version: number;
  status: StatementStatus;
  supersedesId: string | null;
  supersededById: string | null;
  idempotencyKey: string | null;
  requestFingerprint: string;
  issueDay: string;
  content: StatementContent;
  lineCount: number;
  total: number;
  previousBalance: number;
  payments: number;
  balance: number;
  reservedAt: Date;
  leaseUntil: Date;
  /** Presence-lock id of the process working on the reservation (see ownerAliveSql). */
  leaseOwner: number | null;
  /** Failed render/upload attempts that count towards STATEMENT_RESUME_MAX_ATTEMPTS. */
  attempts: number;
  /** Attempts that failed because the PDF store was unavailable: not the statement's fault, never counted. */
  storageWaits: number;
  lastError: string | null;
  issuedAt: Date | null;
  releasedAt: Date | null;
  bucket: string | null;
  objectKey: string | null;
  sha256: string | null;
  sizeBytes: number | null;
  pages: number | null;
}

export const StatementSchema = new EntitySchema<StatementRow>({
  name: 'Statement',
  tableName: 'statement',
  properties: {
    id: { type: 'uuid', primary: true },
    wholesalerId: { type: 'uuid' },
    retailerId: { type: 'uuid' },
    number: { type: 'text' },
    version: { type: 'integer' },
    status: { type: 'text' },
    supersedesId: { type: 'uuid', nullable: true },
    supersededById: { type: 'uuid', nullable: true },
    idempotencyKey: { type: 'text', nullable: true },
    requestFingerprint: { type: 'text' },
    issueDay: { type: 'text' },
    content: { type: 'json' },
    lineCount: { type: 'integer' },
    total: money(),
    previousBalance: money(),
    payments: money(),
    balance: money(),
    reservedAt: timestamptz,
    leaseUntil: timestamptz,
    leaseOwner: { type: 'integer', nullable: true },
    attempts: { type: 'integer' },
    storageWaits: { type: 'integer' },
    lastError: { type: 'text', nullable: true },
    issuedAt: { ...timestamptz, nullable: true },
    releasedAt: { ...timestamptz, nullable: true },
    bucket: { type: 'text', nullable: true },
    objectKey: { type: 'text', nullable: true },
    sha256: { type: 'text', nullable: true },
    sizeBytes: { ...money(), nullable: true },
    pages: { type: 'integer', nullable: true },
  },
});

/** Which statement number an order sheet is on (one at most). */
export interface StatementOrderRow {
  orderId: string;
  wholesalerId: string;
  statementNumber: string;
  statementId: string;
  orderVersion: number;
}

export const StatementOrderSchema = new EntitySchema<StatementOrderRow>({
  name: 'StatementOrder',
  tableName: 'statement_order',
  properties: {
    orderId: { type: 'uuid', primary: true },
    wholesalerId: { type: 'uuid' },
    statementNumber: { type: 'text' },
    statementId: { type: 'uuid' },
    orderVersion: { type: 'integer' },
  },
});

/** The running position of one wholesaler–retailer pair. */
export interface LedgerAccountRow {
  wholesalerId: string;
  retailerId: string;
  /** What the retailer owes the wholesaler now, KRW. */
  balance: number;
  /** Payments recorded since the pair's previous statement: the next statement's 입금. */
  unbilledPayments: number;
  /** The statement of this pair being rendered, if any: one at a time per pair. */
  statementInFlight: string | null;
}

export const LedgerAccountSchema = new EntitySchema<LedgerAccountRow>({
  name: 'LedgerAccount',
  tableName: 'ledger_account',
  properties: {
    wholesalerId: { type: 'uuid', primary: true },
    retailerId: { type: 'uuid', primary: true },
    balance: money(),
    unbilledPayments: money(),
    statementInFlight: { type: 'uuid', nullable: true },
  },
});

export type LedgerEntryKind = 'CHARGE' | 'PAYMENT';

/**
 * One ledger movement: a statement's charge (negative when a re-issue reverses it) or a payment.
 * The table's `seq` (an identity column, read by SQL only) orders a pair's entries.
 */
export interface LedgerEntryRow {
  id: string;
  wholesalerId: string;
  retailerId: string;
  kind: LedgerEntryKind;
  amount: number;
  at: Date;
  statementId: string | null;
  memo: string | null;
  balanceAfter: number;
  recordedBy: string | null;
  recordedAt: Date;
  idempotencyKey: string | null;
  requestFingerprint: string | null;
}

/** A payment: always recorded by an account (the database checks it since migration 0006). */
export type PaymentRow = LedgerEntryRow & { kind: 'PAYMENT'; recordedBy: string };

export const LedgerEntrySchema = new EntitySchema<LedgerEntryRow>({
  name: 'LedgerEntry',
  tableName: 'ledger_entry',
  properties: {
    id: { type: 'uuid', primary: true },
    wholesalerId: { type: 'uuid' },
    retailerId: { type: 'uuid' },
    kind: { type: 'text' },
    amount: money(),
    at: timestamptz,
    statementId: { type: 'uuid', nullable: true },
    memo: { type: 'text', nullable: true },
    balanceAfter: money(),
    recordedBy: { type: 'uuid', nullable: true },
    recordedAt: timestamptz,
    idempotencyKey: { type: 'text', nullable: true },
    requestFingerprint: { type: 'text', nullable: true },
  },
});

/** Every entity of the billing schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- EntitySchema generics are invariant
export const entities: Array<EntitySchema<any, any>> = [
  OrderSheetSchema,
  WholesalerProfileSchema,
  RetailerProfileSchema,
  StatementSchema,
  StatementOrderSchema,
  LedgerAccountSchema,
  LedgerEntrySchema,
];
