import { EntitySchema } from '@mikro-orm/core';
import type { AuctionCategory } from '@marketbill/schemas';

/** 품목 (item), e.g. 장미; id = auction-ingest's UUID v5 of `<category>|<item>`. */
export interface Item {
  id: string;
  category: AuctionCategory;
  name: string;
  /** Normal form and 초성 of the name, for search. */
  searchName: string;
  chosungName: string;
  /** Curated by an administrator. */
  imageUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const ItemSchema = new EntitySchema<Item>({
  name: 'Item',
  tableName: 'item',
  properties: {
    id: { type: 'uuid', primary: true },
    category: { type: 'string', columnType: 'text' },
    name: { type: 'string', columnType: 'text' },
    searchName: { type: 'string', columnType: 'text' },
    chosungName: { type: 'string', columnType: 'text' },
    imageUrl: { type: 'string', columnType: 'text', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

/** 품종 (variety) of an item; id = UUID v5 of `<category>|<item>|<variety>`; with its price summary. */
export interface Variety {
  id: string;
  itemId: string;
  category: AuctionCategory;
  itemName: string;
  name: string;
  searchItem: string;
  searchName: string;
  chosungItem: string;
  chosungName: string;
  /** 1- and 2-character grams of the names and their 초성 (GIN index). */
  searchGrams: string[];
  colour: string | null;
  imageUrls: string[];
  /** Latest auction day of any grade, and the quantity-weighted average price over its grades that day. */
  lastAuctionDate: string | null;
  latestAvgPrice: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const VarietySchema = new EntitySchema<Variety>({
  name: 'Variety',
  tableName: 'variety',
  properties: {
    id: { type: 'uuid', primary: true },
    itemId: { type: 'uuid' },
    category: { type: 'string', columnType: 'text' },
    itemName: { type: 'string', columnType: 'text' },
    name: { type: 'string', columnType: 'text' },
    searchItem: { type: 'string', columnType: 'text' },
    searchName: { type: 'string', columnType: 'text' },
    chosungItem: { type: 'string', columnType: 'text' },
    chosungName: { type: 'string', columnType: 'text' },
    searchGrams: { type: 'string[]', columnType: 'text[]' },
    colour: { type: 'string', columnType: 'text', nullable: true },
    imageUrls: { type: 'string[]', columnType: 'text[]' },
    lastAuctionDate: { type: 'string', columnType: 'date', nullable: true },
    latestAvgPrice: { type: 'bigint', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

/** Price of a variety in one auction grade on one sale day (the price history). */
export interface PricePoint {
  varietyId: string;
  saleDate: string;
  grade: string;
  minPrice: string;
  avgPrice: string;
  maxPrice: string;
  totalAmount: string;
  totalQuantity: string;
  /** Revision and occurredAt of the event that wrote this state: older states never overwrite it. */
  revision: number;
  occurredAt: Date;
  eventId: string;
}

export const PricePointSchema = new EntitySchema<PricePoint>({
  name: 'PricePoint',
  tableName: 'price_point',
  properties: {
    varietyId: { type: 'uuid', primary: true },
    saleDate: { type: 'string', columnType: 'date', primary: true },
    grade: { type: 'string', columnType: 'text', primary: true },
    minPrice: { type: 'bigint' },
    avgPrice: { type: 'bigint' },
    maxPrice: { type: 'bigint' },
    totalAmount: { type: 'bigint' },
    totalQuantity: { type: 'bigint' },
    revision: { type: 'integer' },
    occurredAt: { type: 'Date', columnType: 'timestamptz' },
    eventId: { type: 'uuid' },
  },
});

/** Every entity of the catalog schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- EntitySchema generics are invariant
export const entities: Array<EntitySchema<any, any>> = [ItemSchema, VarietySchema, PricePointSchema];
