import { BigIntType, EntitySchema } from '@mikro-orm/core';
import type { Role } from '@marketbill/schemas';
import type { CartLine } from '../domain/cart';
import type { BuyerGrade } from '../domain/grade';
import type { FulfilmentMethod, Order, OrderLine } from '../domain/order';

// Entities are plain interfaces mapped with EntitySchema (no decorators). References between
// aggregates are ids, not ORM relations: every query is explicit and nothing loads lazily.

const money = () => new BigIntType('number');
const instant = { type: 'Date', columnType: 'timestamptz' } as const;

export interface Account {
  id: string;
  phone: string;
  name: string;
  role: Role;
  passwordHash: string;
  /** The owner's account id for WHOLESALER_OWNER (itself) and WHOLESALER_STAFF; null otherwise. */
  wholesalerId: string | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const AccountSchema = new EntitySchema<Account>({
  name: 'Account',
  tableName: 'accounts',
  properties: {
    id: { type: 'uuid', primary: true },
    phone: { type: 'text' },
    name: { type: 'text' },
    role: { type: 'text' },
    passwordHash: { type: 'text' },
    wholesalerId: { type: 'uuid', nullable: true },
    disabledAt: { ...instant, nullable: true },
    createdAt: { ...instant },
    updatedAt: { ...instant },
  },
});

/** A wholesaler (its id is the owner's account id): settings and the business profile. */
export interface Wholesaler {
  id: string;
  cutoffTime: string;
  businessNumber: string | null;
  companyName: string | null;
  representative: string | null;
  address: string | null;
  phone: string | null;
  businessType: string | null;
  businessItem: string | null;
  bankAccount: string | null;
  sealImageUrl: string | null;
  profileVersion: number;
  profileUpdatedAt: Date | null;
  createdAt: Date;
}

export const WholesalerSchema = new EntitySchema<Wholesaler>({
  name: 'Wholesaler',
  tableName: 'wholesalers',
  properties: {
    id: { type: 'uuid', primary: true },
    cutoffTime: { type: 'text' },
    businessNumber: { type: 'text', nullable: true },
    companyName: { type: 'text', nullable: true },
    representative: { type: 'text', nullable: true },
    address: { type: 'text', nullable: true },
    phone: { type: 'text', nullable: true },
    businessType: { type: 'text', nullable: true },
    businessItem: { type: 'text', nullable: true },
    bankAccount: { type: 'text', nullable: true },
    sealImageUrl: { type: 'text', nullable: true },
    profileVersion: { type: 'integer' },
    profileUpdatedAt: { ...instant, nullable: true },
    createdAt: { ...instant },
  },
});

export interface StaffInvitation {
  id: string;
  wholesalerId: string;
  codeHash: string;
  expiresAt: Date;
  usedBy: string | null;
  usedAt: Date | null;
  createdAt: Date;
}

export const StaffInvitationSchema = new EntitySchema<StaffInvitation>({
  name: 'StaffInvitation',
  tableName: 'staff_invitations',
  properties: {
    id: { type: 'uuid', primary: true },
    wholesalerId: { type: 'uuid' },
    codeHash: { type: 'text' },
    expiresAt: { ...instant },
    usedBy: { type: 'uuid', nullable: true },
    usedAt: { ...instant, nullable: true },
    createdAt: { ...instant },
  },
});

export interface Verification {
  id: string;
  phone: string;
  purpose: 'SIGN_UP' | 'PASSWORD_RESET' | 'SIGN_IN';
  codeHash: string;
  expiresAt: Date;
  attempts: number;
  consumedAt: Date | null;
  createdAt: Date;
}

export const VerificationSchema = new EntitySchema<Verification>({
  name: 'Verification',
  tableName: 'verifications',
  properties: {
    id: { type: 'uuid', primary: true },
    phone: { type: 'text' },
    purpose: { type: 'text' },
    codeHash: { type: 'text' },
    expiresAt: { ...instant },
    attempts: { type: 'integer' },
    consumedAt: { ...instant, nullable: true },
    createdAt: { ...instant },
  },
});

/** One refresh token of a family (the chain of rotations since one sign-in). */
export interface RefreshToken {
  id: string;
  familyId: string;
  accountId: string;
  tokenHash: string;
  expiresAt: Date;
  /** Set when rotated: presenting it again is reuse, and revokes the family. */
  usedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export const RefreshTokenSchema = new EntitySchema<RefreshToken>({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: { type: 'uuid', primary: true },
    familyId: { type: 'uuid' },
    accountId: { type: 'uuid' },
    tokenHash: { type: 'text' },
    expiresAt: { ...instant },
    usedAt: { ...instant, nullable: true },
    revokedAt: { ...instant, nullable: true },
    createdAt: { ...instant },
  },
});

export type ConnectionStatus = 'APPLYING' | 'CONFIRMED' | 'REJECTED';

export interface Connection {
  id: string;
  retailerId: string;
  wholesalerId: string;
  status: ConnectionStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const ConnectionSchema = new EntitySchema<Connection>({
  name: 'Connection',
  tableName: 'connections',
  properties: {
    id: { type: 'uuid', primary: true },
    retailerId: { type: 'uuid' },
    wholesalerId: { type: 'uuid' },
    status: { type: 'text' },
    decidedBy: { type: 'uuid', nullable: true },
    decidedAt: { ...instant, nullable: true },
    createdAt: { ...instant },
    updatedAt: { ...instant },
  },
});

export interface Cart {
  id: string;
  retailerId: string;
  wholesalerId: string;
  memo: string | null;
  fulfilmentMethod: FulfilmentMethod;
  deliveryAddress: string | null;
  createdAt: Date;
  /** Last change of the cart or its lines: the cutoff job orders carts last changed before the cutoff. */
  updatedAt: Date;
}

export const CartSchema = new EntitySchema<Cart>({
  name: 'Cart',
  tableName: 'carts',
  properties: {
    id: { type: 'uuid', primary: true },
    retailerId: { type: 'uuid' },
    wholesalerId: { type: 'uuid' },
    memo: { type: 'text', nullable: true },
    fulfilmentMethod: { type: 'text' },
    deliveryAddress: { type: 'text', nullable: true },
    createdAt: { ...instant },
    updatedAt: { ...instant },
  },
});

export interface CartLineRow extends CartLine {
  cartId: string;
  createdAt: Date;
}

export const CartLineSchema = new EntitySchema<CartLineRow>({
  name: 'CartLine',
  tableName: 'cart_lines',
  properties: {
    id: { type: 'uuid', primary: true },
    cartId: { type: 'uuid' },
    varietyId: { type: 'uuid' },
    grade: { type: 'text' },
    quantity: { type: 'integer' },
    memo: { type: 'text', nullable: true },
    createdAt: { ...instant },
  },
});

export interface OrderRow extends Order {
  updatedAt: Date;
}

export const OrderSchema = new EntitySchema<OrderRow>({
  name: 'Order',
  tableName: 'orders',
  properties: {
    id: { type: 'uuid', primary: true },
    number: { type: 'text' },
    retailerId: { type: 'uuid' },
    wholesalerId: { type: 'uuid' },
    status: { type: 'text' },
    placement: { type: 'text' },
    placedAt: { ...instant },
    saleDay: { type: 'text' },
    memo: { type: 'text', nullable: true },
    fulfilmentMethod: { type: 'text' },
    fulfilmentState: { type: 'text' },
    deliveryAddress: { type: 'text', nullable: true },
    version: { type: 'integer' },
    pricedAt: { ...instant, nullable: true },
    cancelledAt: { ...instant, nullable: true },
    statementId: { type: 'uuid', nullable: true },
    statementNumber: { type: 'text', nullable: true },
    statementVersion: { type: 'integer', nullable: true },
    statementIssuedAt: { ...instant, nullable: true },
    updatedAt: { ...instant },
  },
});

export interface OrderLineRow extends OrderLine {
  orderId: string;
}

export const OrderLineSchema = new EntitySchema<OrderLineRow>({
  name: 'OrderLine',
  tableName: 'order_lines',
  properties: {
    id: { type: 'uuid', primary: true },
    orderId: { type: 'uuid' },
    position: { type: 'integer' },
    kind: { type: 'text' },
    varietyId: { type: 'uuid', nullable: true },
    itemName: { type: 'text' },
    varietyName: { type: 'text' },
    grade: { type: 'text', nullable: true },
    quantity: { type: 'integer' },
    unitPrice: { type: money(), nullable: true },
    memo: { type: 'text', nullable: true },
  },
});

/** The wholesaler's price for a (variety, grade, day), applied to every matching line of that day. */
export interface DailyPrice {
  wholesalerId: string;
  day: string;
  varietyId: string;
  grade: BuyerGrade;
  unitPrice: number;
  updatedAt: Date;
}

export const DailyPriceSchema = new EntitySchema<DailyPrice>({
  name: 'DailyPrice',
  tableName: 'daily_prices',
  properties: {
    wholesalerId: { type: 'uuid', primary: true },
    day: { type: 'text', primary: true },
    varietyId: { type: 'uuid', primary: true },
    grade: { type: 'text', primary: true },
    unitPrice: { type: money() },
    updatedAt: { ...instant },
  },
});

/** Read model: a variety as the auction publishes it (fed by auction.price.updated). */
export interface CatalogVariety {
  id: string;
  itemId: string;
  category: string;
  itemName: string;
  varietyName: string;
  updatedAt: Date;
}

export const CatalogVarietySchema = new EntitySchema<CatalogVariety>({
  name: 'CatalogVariety',
  tableName: 'catalog_varieties',
  properties: {
    id: { type: 'uuid', primary: true },
    itemId: { type: 'uuid' },
    category: { type: 'text' },
    itemName: { type: 'text' },
    varietyName: { type: 'text' },
    updatedAt: { ...instant },
  },
});

/** Read model: the latest auction result per variety and auction grade. */
export interface AuctionPrice {
  varietyId: string;
  auctionGrade: string;
  saleDate: string;
  minPrice: number;
  avgPrice: number;
  maxPrice: number;
  totalQuantity: number;
  observedAt: Date;
}

export const AuctionPriceSchema = new EntitySchema<AuctionPrice>({
  name: 'AuctionPrice',
  tableName: 'auction_prices',
  properties: {
    varietyId: { type: 'uuid', primary: true },
    auctionGrade: { type: 'text', primary: true },
    saleDate: { type: 'text' },
    minPrice: { type: money() },
    avgPrice: { type: money() },
    maxPrice: { type: money() },
    totalQuantity: { type: money() },
    observedAt: { ...instant },
  },
});

/** A retailer's business profile (its id is the retailer's account id): the 공급받는자 block of statements. */
export interface RetailerProfile {
  retailerId: string;
  businessNumber: string;
  companyName: string;
  representative: string;
  address: string;
  businessType: string | null;
  businessItem: string | null;
  version: number;
  updatedAt: Date;
}

export const RetailerProfileSchema = new EntitySchema<RetailerProfile>({
  name: 'RetailerProfile',
  tableName: 'retailer_profiles',
  properties: {
    retailerId: { type: 'uuid', primary: true },
    businessNumber: { type: 'text' },
    companyName: { type: 'text' },
    representative: { type: 'text' },
    address: { type: 'text' },
    businessType: { type: 'text', nullable: true },
    businessItem: { type: 'text', nullable: true },
    version: { type: 'integer' },
    updatedAt: { ...instant },
  },
});

/** Every entity of the ordering schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- EntitySchema generics are invariant
export const entities: Array<EntitySchema<any, any>> = [
  AccountSchema,
  WholesalerSchema,
  StaffInvitationSchema,
  VerificationSchema,
  RefreshTokenSchema,
  ConnectionSchema,
  CartSchema,
  CartLineSchema,
  OrderSchema,
  OrderLineSchema,
  DailyPriceSchema,
  CatalogVarietySchema,
  AuctionPriceSchema,
  RetailerProfileSchema,
];
