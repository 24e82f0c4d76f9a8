import { AppError, type Logger, type Orm } from '@marketbill/platform';
import { publishMany } from '@marketbill/messaging';
import { mergeDuplicateRows, type AuctionRow } from '../domain/auction-row';
import type { CategoryInfo } from '../domain/auction-category';
import { parseAtItem } from '../domain/parse-at-item';
import { toPriceUpdatedEvent } from '../domain/to-price-updated-event';
import { varietyKey } from '../domain/stable-ids';
import type { AuctionSourceClient } from '../clients/at-api-client';
import { ImportRunSchema, type ImportRunStatus, type ImportTrigger } from '../data-access/entities';
import { startImportRun } from '../data-access/import-run-repository';
import { upsertAuctionRows } from '../data-access/auction-row-repository';

export interface ImportDeps {
  orm: Orm;
  source: AuctionSourceClient;
  logger: Logger;
}

export interface ImportResult {
  runId: string;
  saleDate: string;
  category: CategoryInfo['symbol'];
  status: Exclude<ImportRunStatus, 'RUNNING'>;
  pages: number;
  rowsRead: number;
  rowsNew: number;
  rowsChanged: number;
  rowsUnchanged: number;
  rowsFailed: number;
  rowsMerged: number;
  error?: string;
}

/** Row errors kept in the run log: enough to diagnose, bounded so a broken day cannot bloat it. */
const MAX_LOGGED_ERRORS = 50;

function describe(error: unknown): string {
  // AppError messages are written for logs and hold no secret; anything else is summarised by type.
  return error instanceof AppError ? error.message : `unexpected ${error instanceof Error ? error.name : 'error'}`;
}

/**
 * Imports one auction day of one category: fetches every page from the source, parses each item
 * strictly (a malformed row is counted and logged, the rest go in), upserts on the natural key and
 * publishes `auction.price.updated` for every row that is new or changed, in the same transaction
 * as the rows and the run's figures. Re-running a day therefore changes nothing and publishes
 * nothing. A failure of the source or the database is recorded on the run and returned, not thrown:
 * one bad day must not stop a schedule or a backfill.
 */
export async function importAuctionDay(
  deps: ImportDeps,
  input: { saleDate: string; category: CategoryInfo; trigger: ImportTrigger },
): Promise<ImportResult> {
  const { saleDate, category, trigger } = input;
  const log = deps.logger.child({ saleDate, category: category.symbol, trigger });
  const run = await startImportRun(deps.orm.em.fork(), { saleDate, category: category.symbol, source: deps.source.source, trigger });
  const result: ImportResult = {
    runId: run.id,
    saleDate,
    category: category.symbol,
    status: 'FAILED',
    pages: 0,
    rowsRead: 0,
    rowsNew: 0,
    rowsChanged: 0,
    rowsUnchanged: 0,
    rowsFailed: 0,
    rowsMerged: 0,
  };
  const errors: Array<{ index?: number; reason: string }> = [];

  try {
    const fetched = await deps.source.fetchDay(saleDate, category);
    result.pages = fetched.pages;
    result.rowsRead = fetched.items.length;
    const parsed: AuctionRow[] = [];
    fetched.items.forEach((item, index) => {
      const outcome = parseAtItem(item, { saleDate, category });
      if (outcome.ok) parsed.push(outcome.row);
      else {
        result.rowsFailed++;
        if (errors.length < MAX_LOGGED_ERRORS) errors.push({ index, reason: outcome.reason });
      }
    });
    const { rows, merged } = mergeDuplicateRows(parsed);
    result.rowsMerged = merged;

    await deps.orm.em.fork().transactional(async (em) => {
      const upserted = await upsertAuctionRows(em, rows, deps.source.source, run.id);
      for (const row of upserted) {
        if (row.revision === 1) result.rowsNew++;
        else result.rowsChanged++;
      }
      // One statement per thousand events rather than one unit-of-work entity per row.
      await publishMany(
        em,
        'auction.price.updated',
        upserted.map((row) => ({ key: varietyKey(row.category, row.item, row.variety), event: toPriceUpdatedEvent(row, deps.source.source) })),
      );
      result.rowsUnchanged = rows.length - upserted.length;
      result.status = 'SUCCEEDED';
      await em.nativeUpdate(ImportRunSchema, { id: run.id }, { ...runFigures(result), status: 'SUCCEEDED', finishedAt: new Date(), errors });
    });
    if (result.rowsFailed > 0) log.warn({ rowsFailed: result.rowsFailed, firstErrors: errors.slice(0, 3) }, 'auction rows refused');
    log.info({ ...runFigures(result), runId: run.id }, 'auction day imported');
    return result;
  } catch (error) {
    result.status = 'FAILED';
    result.error = describe(error);
    if (error instanceof AppError) log.warn({ runId: run.id, code: error.code, reason: result.error }, 'auction day import failed');
    else log.error({ runId: run.id, err: error }, 'auction day import failed unexpectedly');
    errors.push({ reason: result.error });
    await deps.orm.em
      .fork()
      .nativeUpdate(ImportRunSchema, { id: run.id }, { ...runFigures(result), rowsNew: 0, rowsChanged: 0, rowsUnchanged: 0, status: 'FAILED', finishedAt: new Date(), errors })
      .catch((e: unknown) => log.error({ err: e, runId: run.id }, 'import run could not be marked failed'));
    return { ...result, rowsNew: 0, rowsChanged: 0, rowsUnchanged: 0 };
  }
}

function runFigures(r: ImportResult) {
  return {
    pages: r.pages,
    rowsRead: r.rowsRead,
    rowsNew: r.rowsNew,
    rowsChanged: r.rowsChanged,
    rowsUnchanged: r.rowsUnchanged,
    rowsFailed: r.rowsFailed,
    rowsMerged: r.rowsMerged,
  };
}
