import type { EntityManager } from '@mikro-orm/core';
import type { AuctionCategory, AuctionSource } from '@marketbill/schemas';
import { ImportRunSchema, type ImportRun, type ImportTrigger } from './entities';
import { qualifiedTable } from '@marketbill/platform';

/** Records the start of an import (committed at once, so a crash leaves a RUNNING row behind as evidence). */
export async function startImportRun(
  em: EntityManager,
  input: { saleDate: string; category: AuctionCategory; source: AuctionSource; trigger: ImportTrigger; backfillId?: string | undefined },
): Promise<ImportRun> {
  const run = em.create(ImportRunSchema, {
    saleDate: input.saleDate,
    category: input.category,
    source: input.source,
    trigger: input.trigger,
    backfillId: input.backfillId ?? null,
    status: 'RUNNING',
    startedAt: new Date(),
    finishedAt: null,
    pages: 0,
    rowsRead: 0,
    rowsNew: 0,
    rowsChanged: 0,
    rowsUnchanged: 0,
    rowsFailed: 0,
    rowsRepeated: 0,
    rowsMissing: 0,
    requests: 0,
    errors: [],
  } as unknown as ImportRun);
  await em.persistAndFlush(run);
  return run;
}

function table(em: EntityManager): string {
  const schema = (em.config.get('schema') as string | undefined) ?? 'public';
  return qualifiedTable(schema, 'import_run');
}

/**
 * The `<day>|<category>` pairs among these that have a complete succeeded import (a run whose
 * pages skipped rows does not count: the day is imported again). With `backfillId`, only runs of
 * that backfill count (a forced backfill re-imports what earlier runs did).
 */
export async function succeededImports(em: EntityManager, from: string, to: string, backfillId?: string): Promise<Set<string>> {
  const rows = await em.getConnection().execute<Array<{ sale_date: string; category: string }>>(
    `select distinct to_char(sale_date, 'YYYY-MM-DD') as sale_date, category from ${table(em)}
      where sale_date between ?::date and ?::date and status = 'SUCCEEDED' and rows_missing = 0
        ${backfillId ? 'and backfill_id = ?' : ''}`,
    backfillId ? [from, to, backfillId] : [from, to],
  );
  return new Set(rows.map((r: { sale_date: string; category: string }) => `${r.sale_date}|${r.category}`));
}

/**
 * Pairs whose runs for this backfill failed (or came back incomplete) at least `attempts` times:
 * given up on, and reported as failed with the last reason.
 */
export async function failedBackfillPairs(em: EntityManager, backfillId: string, attempts: number): Promise<Map<string, string>> {
  const rows = await em.getConnection().execute<Array<{ sale_date: string; category: string; reason: string | null }>>(
    `select to_char(sale_date, 'YYYY-MM-DD') as sale_date, category,
            (array_agg(errors -> -1 ->> 'reason' order by id desc))[1] as reason
       from ${table(em)}
      where backfill_id = ? and (status = 'FAILED' or (status = 'SUCCEEDED' and rows_missing > 0))
      group by sale_date, category having count(*) >= ?`,
    [backfillId, attempts],
  );
  return new Map(rows.map((r: { sale_date: string; category: string; reason: string | null }) => [`${r.sale_date}|${r.category}`, r.reason ?? 'failed']));
}

/** The latest runs, newest first (the import-run log). */
export async function listImportRuns(em: EntityManager, limit: number): Promise<ImportRun[]> {
  return em.find(ImportRunSchema, {}, { orderBy: { startedAt: 'desc', id: 'desc' }, limit });
}

/** Marks runs left RUNNING by a process that died as FAILED (at start-up, before new runs begin). */
export async function failAbandonedRuns(em: EntityManager, olderThanMinutes: number): Promise<number> {
  const rows = await em.getConnection().execute<Array<{ id: string }>>(
    `update ${table(em)} set status = 'FAILED', finished_at = now(),
            errors = errors || '[{"reason":"abandoned: the importing process stopped before finishing"}]'::jsonb
      where status = 'RUNNING' and started_at < now() - make_interval(mins => ?) returning id`,
    [olderThanMinutes],
  );
  return rows.length;
}
