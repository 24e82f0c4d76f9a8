import type { EntityManager } from '@mikro-orm/core';
import type { AuctionCategory } from '@marketbill/schemas';
import { qualifiedTable } from '@marketbill/platform';

export type BackfillStatus = 'PENDING' | 'DONE' | 'CANCELLED';

/** Where a backfill stands, as last worked out (the table keeps it for `backfill --status`). */
export interface BackfillProgress {
  /** Day × category pairs in the range. */
  total: number;
  /** Pairs imported completely. */
  done: number;
  /** Pairs given up on after their attempts (with the last reason). */
  failed: number;
  /** Pairs still to import. */
  remaining: number;
  /** Why the last session stopped before the end, if it did. */
  stoppedBecause?: string;
}

/** A stored backfill request: a date range the importer works through within the daily call budget. */
export interface Backfill {
  id: string;
  from: string;
  to: string;
  categories: AuctionCategory[];
  force: boolean;
  status: BackfillStatus;
  requestedAt: Date;
  finishedAt: Date | null;
  progress: Partial<BackfillProgress>;
  updatedAt: Date;
}

function table(em: EntityManager): string {
  const schema = (em.config.get('schema') as string | undefined) ?? 'public';
  return qualifiedTable(schema, 'backfill');
}

interface BackfillRecord {
  id: string;
  from_day: string;
  to_day: string;
  categories: AuctionCategory[];
  force: boolean;
  status: BackfillStatus;
  requested_at: Date;
  finished_at: Date | null;
  progress: Partial<BackfillProgress>;
  updated_at: Date;
}

const COLUMNS = `id::text as id, to_char(from_day, 'YYYY-MM-DD') as from_day, to_char(to_day, 'YYYY-MM-DD') as to_day,
  categories, force, status, requested_at, finished_at, progress, updated_at`;

function fromRecord(r: BackfillRecord): Backfill {
  return {
    id: r.id,
    from: r.from_day,
    to: r.to_day,
    categories: r.categories,
    force: r.force,
    status: r.status,
    requestedAt: new Date(r.requested_at),
    finishedAt: r.finished_at ? new Date(r.finished_at) : null,
    progress: r.progress,
    updatedAt: new Date(r.updated_at),
  };
}

/**
 * Records a backfill request, or returns the pending one with the same range, categories and
 * force flag (asking twice does not queue the same work twice).
 */
export async function insertBackfill(em: EntityManager, input: { from: string; to: string; categories: AuctionCategory[]; force: boolean }): Promise<{ backfill: Backfill; created: boolean }> {
  const t = table(em);
  const categories = [...input.categories].sort();
  const existing = await em.getConnection().execute<BackfillRecord[]>(
    `select ${COLUMNS} from ${t} where status = 'PENDING' and from_day = ?::date and to_day = ?::date and categories = ?::text[] and force = ? order by id limit 1`,
    [input.from, input.to, `{${categories.join(',')}}`, input.force],
  );
  if (existing[0]) return { backfill: fromRecord(existing[0]), created: false };
  const [row] = await em.getConnection().execute<BackfillRecord[]>(
    `insert into ${t} (from_day, to_day, categories, force) values (?::date, ?::date, ?::text[], ?) returning ${COLUMNS}`,
    [input.from, input.to, `{${categories.join(',')}}`, input.force],
  );
  return { backfill: fromRecord(row as BackfillRecord), created: true };
}

export async function findBackfill(em: EntityManager, id: string): Promise<Backfill | undefined> {
  const [row] = await em.getConnection().execute<BackfillRecord[]>(`select ${COLUMNS} from ${table(em)} where id = ?`, [id]);
  return row ? fromRecord(row) : undefined;
}

/** Pending backfills, oldest first, and the latest finished ones. */
export async function listBackfills(em: EntityManager, finishedToo = 5): Promise<Backfill[]> {
  const rows = await em.getConnection().execute<BackfillRecord[]>(
    `(select ${COLUMNS} from ${table(em)} where status = 'PENDING' order by id)
     union all
     (select ${COLUMNS} from ${table(em)} where status <> 'PENDING' order by id desc limit ?)`,
    [finishedToo],
  );
  return rows.map(fromRecord);
}

/**
 * Takes (or renews) the lease on a pending backfill for `owner`, so two processes never work on
 * the same backfill at once (which would spend the call budget twice). False when someone else
 * holds an unexpired lease or the backfill is no longer pending.
 */
export async function leaseBackfill(em: EntityManager, id: string, owner: string, seconds: number): Promise<boolean> {
  const rows = await em.getConnection().execute<Array<{ id: string }>>(
    `update ${table(em)} set lease_owner = ?, lease_until = now() + make_interval(secs => ?), updated_at = now()
      where id = ? and status = 'PENDING' and (lease_owner is null or lease_owner = ? or lease_until < now())
      returning id`,
    [owner, seconds, id, owner],
  );
  return rows.length > 0;
}

/** Records the progress, finishes the backfill when nothing remains, and frees the lease. */
export async function saveBackfillProgress(em: EntityManager, id: string, owner: string, progress: BackfillProgress): Promise<BackfillStatus> {
  const [row] = await em.getConnection().execute<Array<{ status: BackfillStatus }>>(
    `update ${table(em)} set progress = ?::jsonb, updated_at = now(), lease_owner = null, lease_until = null,
            status = case when ? then 'DONE' else status end,
            finished_at = case when ? then now() else finished_at end
      where id = ? and lease_owner = ? returning status`,
    [JSON.stringify(progress), progress.remaining === 0, progress.remaining === 0, id, owner],
  );
  return row?.status ?? 'PENDING';
}

/** Cancels a pending backfill (its imported days stay). */
export async function cancelBackfill(em: EntityManager, id: string): Promise<boolean> {
  const rows = await em.getConnection().execute<Array<{ id: string }>>(
    `update ${table(em)} set status = 'CANCELLED', finished_at = now(), updated_at = now(), lease_owner = null, lease_until = null
      where id = ? and status = 'PENDING' returning id`,
    [id],
  );
  return rows.length > 0;
}
