import { EntitySchema } from '@mikro-orm/core';
import type { AuctionCategory, AuctionSource } from '@marketbill/schemas';

/** A raw auction row as imported (table `auction_row`), unique on its natural key. */
export interface AuctionRowRecord {
  id: string;
  saleDate: string;
  category: AuctionCategory;
  item: string;
  variety: string;
  grade: string;
  minPrice: string;
  avgPrice: string;
  maxPrice: string;
  totalAmount: string;
  totalQuantity: string;
  source: AuctionSource;
  /** 1 when first imported, +1 each time the auction corrected the figures. */
  revision: number;
  firstImportedAt: Date;
  updatedAt: Date;
  lastRunId: string;
}

export const AuctionRowSchema = new EntitySchema<AuctionRowRecord>({
  name: 'AuctionRowRecord',
  tableName: 'auction_row',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    saleDate: { type: 'string', columnType: 'date' },
    category: { type: 'string', columnType: 'text' },
    item: { type: 'string', columnType: 'text' },
    variety: { type: 'string', columnType: 'text' },
    grade: { type: 'string', columnType: 'text' },
    minPrice: { type: 'bigint' },
    avgPrice: { type: 'bigint' },
    maxPrice: { type: 'bigint' },
    totalAmount: { type: 'bigint' },
    totalQuantity: { type: 'bigint' },
    source: { type: 'string', columnType: 'text' },
    revision: { type: 'integer' },
    firstImportedAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
    lastRunId: { type: 'bigint' },
  },
});

export type ImportRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'DEFERRED';
export type ImportTrigger = 'schedule' | 'catch-up' | 'backfill';

/** One import of one day and category (table `import_run`): the import-run log. */
export interface ImportRun {
  id: string;
  saleDate: string;
  category: AuctionCategory;
  source: AuctionSource;
  trigger: ImportTrigger;
  status: ImportRunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  pages: number;
  rowsRead: number;
  rowsNew: number;
  rowsChanged: number;
  rowsUnchanged: number;
  rowsFailed: number;
  /** Rows that came on two pages of an unstable paging: kept once, never added up. */
  rowsRepeated: number;
  /** Rows the pages should have held but that never came (the day is then incomplete and imported again later). */
  rowsMissing: number;
  /** Calls to the aT server this run cost (larger pages, retries and repairs included). */
  requests: number;
  /** The backfill this run worked for, if any. */
  backfillId: string | null;
  /** Why rows were refused (first 50) and, for a failed run, why it failed. */
  errors: Array<{ index?: number; reason: string }>;
}

export const ImportRunSchema = new EntitySchema<ImportRun>({
  name: 'ImportRun',
  tableName: 'import_run',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    saleDate: { type: 'string', columnType: 'date' },
    category: { type: 'string', columnType: 'text' },
    source: { type: 'string', columnType: 'text' },
    trigger: { type: 'string', columnType: 'text' },
    status: { type: 'string', columnType: 'text' },
    startedAt: { type: 'Date', columnType: 'timestamptz' },
    finishedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    pages: { type: 'integer' },
    rowsRead: { type: 'integer' },
    rowsNew: { type: 'integer' },
    rowsChanged: { type: 'integer' },
    rowsUnchanged: { type: 'integer' },
    rowsFailed: { type: 'integer' },
    rowsRepeated: { type: 'integer' },
    rowsMissing: { type: 'integer' },
    requests: { type: 'integer' },
    backfillId: { type: 'bigint', nullable: true },
    errors: { type: 'json' },
  },
});

/** Every entity of the auction-ingest schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- EntitySchema generics are invariant
export const entities: Array<EntitySchema<any, any>> = [AuctionRowSchema, ImportRunSchema];
