import type { EntityManager } from '@mikro-orm/postgresql';
import { deleteCounting, table } from './sql';

export interface WindowCount {
  hits: number;
  /** Seconds until the window ends. */
  resetsInSeconds: number;
}

/**
 * Fixed-window counters in Postgres, so every replica shares them. One statement per hit: the
 * upsert starts a new window when the old one has ended, else adds one. It runs outside any
 * business transaction (a refused sign-in must still count).
 */
export async function hitRateLimit(em: EntityManager, key: string, windowSeconds: number, now: Date): Promise<WindowCount> {
  const t = table(em, 'rate_limits');
  const rows = await em.execute<Array<{ hits: number; window_started_at: Date }>>(
    `insert into ${t} as r (key, window_started_at, hits) values (?, ?, 1)
     on conflict (key) do update set
       hits = case when r.window_started_at <= ?::timestamptz - make_interval(secs => ?) then 1 else r.hits + 1 end,
       window_started_at = case when r.window_started_at <= ?::timestamptz - make_interval(secs => ?) then excluded.window_started_at else r.window_started_at end
     returning hits, window_started_at`,
    [key, now, now, windowSeconds, now, windowSeconds],
  );
  return toCount(rows[0], windowSeconds, now);
}

/** The current count without adding to it (0 when the window has ended). */
export async function peekRateLimit(em: EntityManager, key: string, windowSeconds: number, now: Date): Promise<WindowCount> {
  const rows = await em.execute<Array<{ hits: number; window_started_at: Date }>>(
    `select hits, window_started_at from ${table(em, 'rate_limits')} where key = ? and window_started_at > ?::timestamptz - make_interval(secs => ?)`,
    [key, now, windowSeconds],
  );
  return rows[0] ? toCount(rows[0], windowSeconds, now) : { hits: 0, resetsInSeconds: 0 };
}

export async function clearRateLimit(em: EntityManager, key: string): Promise<void> {
  await em.execute(`delete from ${table(em, 'rate_limits')} where key = ?`, [key], 'run');
}

function toCount(row: { hits: number; window_started_at: Date } | undefined, windowSeconds: number, now: Date): WindowCount {
  if (!row) return { hits: 0, resetsInSeconds: 0 };
  const ends = new Date(row.window_started_at).getTime() + windowSeconds * 1000;
  return { hits: Number(row.hits), resetsInSeconds: Math.max(1, Math.ceil((ends - now.getTime()) / 1000)) };
}

/** Deletes windows that started before `before`; answers how many. */
export function pruneRateLimits(em: EntityManager, before: Date): Promise<number> {
  return deleteCounting(em, `delete from ${table(em, 'rate_limits')} where window_started_at < ?`, [before]);
}
