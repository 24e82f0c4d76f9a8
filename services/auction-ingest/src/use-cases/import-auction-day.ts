import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { AppError, type Logger, type Orm } from '@marketbill/platform';
import { publishMany } from '../topics';
import { naturalKeyOf, type AuctionRow } from '../domain/auction-row';
import type { CategoryInfo } from '../domain/auction-category';
import { parseAtItem } from '../domain/parse-at-item';
import { toPriceUpdatedEvent } from '../domain/to-price-updated-event';
import { varietyKey } from '../domain/stable-ids';
import type { AuctionSourceClient } from '../clients/at-api-client';
import { AtApiError, type FailureScope } from '../clients/at-api-errors';
import type { CallBudget, CallPriority } from '../clients/call-budget';
import { ImportRunSchema, type ImportRunStatus, type ImportTrigger } from '../data-access/entities';
import { startImportRun } from '../data-access/import-run-repository';
import { upsertAuctionRows } from '../data-access/auction-row-repository';

export interface ImportDeps {
  orm: Orm;
  source: AuctionSourceClient;
  /** The aT key's daily call budget (absent for the replay source: unlimited). */
  budget?: CallBudget | undefined;
  logger: Logger;
}

export interface ImportResult {
  runId: string;
  saleDate: string;
  category: CategoryInfo['symbol'];
  status: Exclude<ImportRunStatus, 'RUNNING'>;
  pages: number;
  requests: number;
  rowsRead: number;
  rowsNew: number;
  rowsChanged: number;
  rowsUnchanged: number;
  rowsFailed: number;
  rowsRepeated: number;
  rowsMissing: number;
  error?: string;
  /** The failure's stable code (`at-api-error-page`, …). */
  code?: string;
  /** For a run that did not succeed: what the failure means for the rest of the batch. */
  scope?: FailureScope;
}

const tracer = trace.getTracer('auction-ingest');

/** Row errors kept in the run log: enough to diagnose, bounded so a broken day cannot bloat it. */
const MAX_LOGGED_ERRORS = 50;

function describe(error: unknown): string {
  // AppError messages are written for logs and hold no secret; anything else is summarised by type.
  return error instanceof AppError ? error.message : `unexpected ${error instanceof Error ? error.name : 'error'}`;
}

/**
 * Imports one auction day of one category: fetches the day from the source (one page as a rule;
 * see the client), parses each item strictly (a malformed row is counted and logged, the rest go
 * in), upserts on the natural key and publishes `auction.price.updated` for every row that is new
 * or changed, in the same transaction as the rows and the run's figures. Re-running a day therefore
 * changes nothing and publishes nothing.
 *
 * Rows are never added together: within one answer the server's GROUP BY makes the natural key
 * unique, so a key seen twice is either a page repeat (dropped by the client) or two names that
 * differ only in spacing — then the later row is refused and logged rather than summed into the
 * first. A day whose pages skipped rows is imported with what came, logged with `rows_missing`,
 * and not counted as done, so the schedule or backfill reads it again.
 *
 * A failure of the source or the database is recorded on the run and returned, not thrown: one bad
 * day must not stop a schedule or a backfill. A run refused for want of call budget is `DEFERRED`.
 *
 * The run is one span, so one trace per category and day: the source's calls and the run's
 * statements are its children, and so is every event it publishes (the outbox rows keep its
 * context), so the relay's publish spans and the consumers' spans join this trace instead of each
 * price row starting a trace of its own — about a thousand per category and day.
 */
export function importAuctionDay(deps: ImportDeps, input: ImportInput): Promise<ImportResult> {
  return tracer.startActiveSpan(
    'auction import',
    {
      attributes: {
        'auction.sale_date': input.saleDate,
        'auction.category': input.category.symbol,
        'auction.trigger': input.trigger,
        ...(input.backfillId ? { 'auction.backfill_id': input.backfillId } : {}),
      },
    },
    async (span) => {
      try {
        const result = await importInSpan(deps, input);
        describeRun(span, result);
        return result;
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: describe(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

export interface ImportInput {
  saleDate: string;
  category: CategoryInfo;
  trigger: ImportTrigger;
  priority?: CallPriority;
  backfillId?: string | undefined;
}

/** The run's figures on its span; a failed run marks it as an error with its code. */
function describeRun(span: Span, result: ImportResult): void {
  span.setAttributes({
    'auction.run_id': result.runId,
    'auction.status': result.status,
    'auction.rows_read': result.rowsRead,
    'auction.rows_published': result.rowsNew + result.rowsChanged,
    'auction.rows_failed': result.rowsFailed,
  });
  if (result.status === 'FAILED') span.setStatus({ code: SpanStatusCode.ERROR, message: result.code ?? result.error ?? 'failed' });
}

async function importInSpan(deps: ImportDeps, input: ImportInput): Promise<ImportResult> {
  const { saleDate, category, trigger } = input;
  const log = deps.logger.child({ saleDate, category: category.symbol, trigger });
  const run = await startImportRun(deps.orm.em.fork(), { saleDate, category: category.symbol, source: deps.source.source, trigger, backfillId: input.backfillId });
  const result: ImportResult = {
    runId: run.id,
    saleDate,
    category: category.symbol,
    status: 'FAILED',
    pages: 0,
    requests: 0,
    rowsRead: 0,
    rowsNew: 0,
    rowsChanged: 0,
    rowsUnchanged: 0,
    rowsFailed: 0,
    rowsRepeated: 0,
    rowsMissing: 0,
  };
  const errors: Array<{ index?: number; reason: string }> = [];
  const refuse = (index: number, reason: string) => {
    result.rowsFailed++;
    if (errors.length < MAX_LOGGED_ERRORS) errors.push({ index, reason });
  };

  try {
    const fetched = await deps.source.fetchDay(saleDate, category, { priority: input.priority ?? 'schedule' });
    result.pages = fetched.paging.pages;
    result.requests = fetched.paging.requests;
    result.rowsRead = fetched.items.length;
    result.rowsRepeated = fetched.paging.repeated;
    result.rowsMissing = fetched.paging.missing;
    const rows: AuctionRow[] = [];
    const firstIndexOfKey = new Map<string, number>();
    fetched.items.forEach((item, index) => {
      const outcome = parseAtItem(item, { saleDate, category });
      if (!outcome.ok) return refuse(index, outcome.reason);
      const key = naturalKeyOf(outcome.row);
      const first = firstIndexOfKey.get(key);
      if (first !== undefined) return refuse(index, `same natural key as row ${first} once names are trimmed; not added to it`);
      firstIndexOfKey.set(key, index);
      rows.push(outcome.row);
    });
    if (result.rowsMissing > 0) {
      errors.push({ reason: `incomplete: paging skipped ${result.rowsMissing} rows (equal quantities have no stable order); the day will be read again` });
    }

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
    const scope: FailureScope = error instanceof AtApiError ? error.scope : 'pair';
    result.status = scope === 'defer' ? 'DEFERRED' : 'FAILED';
    result.scope = scope;
    result.error = describe(error);
    if (error instanceof AppError) result.code = error.code;
    if (scope === 'defer') log.info({ runId: run.id, reason: result.error }, 'auction day import deferred');
    else if (error instanceof AppError) log.warn({ runId: run.id, code: error.code, reason: result.error }, 'auction day import failed');
    else log.error({ runId: run.id, err: error }, 'auction day import failed unexpectedly');
    errors.push({ reason: result.error });
    const failed = { ...result, rowsNew: 0, rowsChanged: 0, rowsUnchanged: 0 };
    await deps.orm.em
      .fork()
      .nativeUpdate(ImportRunSchema, { id: run.id }, { ...runFigures(failed), status: result.status, finishedAt: new Date(), errors })
      .catch((e: unknown) => log.error({ err: e, runId: run.id }, 'import run could not be marked failed'));
    return failed;
  }
}

function runFigures(r: ImportResult) {
  return {
    pages: r.pages,
    requests: r.requests,
    rowsRead: r.rowsRead,
    rowsNew: r.rowsNew,
    rowsChanged: r.rowsChanged,
    rowsUnchanged: r.rowsUnchanged,
    rowsFailed: r.rowsFailed,
    rowsRepeated: r.rowsRepeated,
    rowsMissing: r.rowsMissing,
  };
}
