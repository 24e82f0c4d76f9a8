import type { EntityManager } from '@mikro-orm/core';
import { preparedQuery, qualifiedTable } from '@marketbill/platform';

// Upkeep of the tables keyword search reads, after bulk writes (see use-cases/settle-bulk-writes).

/** What Postgres counts for a table since its last vacuum and analyze (`pg_stat_user_tables`). */
export interface TableWrites {
  live: number;
  dead: number;
  insertedSinceVacuum: number;
  modifiedSinceAnalyze: number;
  /** Rows ever inserted, updated or deleted: unchanged between two looks = no write in between. */
  written: number;
}

export type UpkeptTable = 'variety' | 'price_point';

const schemaOf = (em: EntityManager) => (em.config.get('schema') as string | undefined) ?? 'public';

/** The counters of the search tables ($1 the schema); rows for {@link toTableWrites}. */
export function tableWritesSql(): string {
  return `select relname, n_live_tup, n_dead_tup, n_ins_since_vacuum, n_mod_since_analyze, n_tup_ins + n_tup_upd + n_tup_del as written
    from pg_stat_user_tables where schemaname = $1::text and relname in ('variety', 'price_point')`;
}

export function toTableWrites(rows: Array<Record<string, unknown>>): Partial<Record<UpkeptTable, TableWrites>> {
  const out: Partial<Record<UpkeptTable, TableWrites>> = {};
  for (const r of rows) {
    out[r.relname as UpkeptTable] = {
      live: Number(r.n_live_tup),
      dead: Number(r.n_dead_tup),
      insertedSinceVacuum: Number(r.n_ins_since_vacuum),
      modifiedSinceAnalyze: Number(r.n_mod_since_analyze),
      written: Number(r.written),
    };
  }
  return out;
}

/** The counters of the search tables (a table Postgres has not counted yet is absent). */
export async function tableWrites(em: EntityManager): Promise<Partial<Record<UpkeptTable, TableWrites>>> {
  return toTableWrites(await preparedQuery(em, tableWritesSql(), [schemaOf(em)]));
}

/**
 * The statement that settles a table: `vacuum (analyze)` — dead row versions gone, the search
 * index's pending entries merged, the visibility map set, fresh statistics — or `analyze` alone.
 * `skip_locked`: another replica settling the same table already does the work. Never inside a
 * transaction (Postgres refuses VACUUM there).
 */
export function settleSql(schema: string, table: UpkeptTable, how: 'vacuum' | 'analyze'): string {
  return `${how === 'vacuum' ? 'vacuum (analyze, skip_locked)' : 'analyze (skip_locked)'} ${qualifiedTable(schema, table)}`;
}

export async function settleTable(em: EntityManager, table: UpkeptTable, how: 'vacuum' | 'analyze'): Promise<void> {
  await em.getConnection().execute(settleSql(schemaOf(em), table, how), [], 'run');
}
