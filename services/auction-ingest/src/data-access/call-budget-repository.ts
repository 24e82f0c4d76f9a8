import type { EntityManager } from '@mikro-orm/postgresql';
import { qualifiedTable } from '@marketbill/platform';

function table(em: EntityManager): string {
  const schema = (em.config.get('schema') as string | undefined) ?? 'public';
  return qualifiedTable(schema, 'at_call_budget');
}

/**
 * The aT key's daily call count in Postgres (`at_call_budget`, one row per Seoul day), so the
 * service, its replicas and a backfill run from the command line share one count. A call is taken
 * with one conditional upsert: it succeeds only while the count is below `ceiling` and the server
 * has not said "limit reached" that day, so concurrent takers can never overshoot.
 */
export async function takeBudgetCall(em: EntityManager, day: string, ceiling: number): Promise<boolean> {
  const rows = await em.getConnection().execute<Array<{ calls_used: number }>>(
    `insert into ${table(em)} as b (day, calls_used) values (?::date, 1)
     on conflict (day) do update set calls_used = b.calls_used + 1
      where b.calls_used < ? and b.server_limit_reached_at is null
     returning calls_used`,
    [day, ceiling],
  );
  return rows.length > 0;
}

/** Records that the server answered "daily call limit reached" on `day` (the first time is kept). */
export async function markBudgetExhausted(em: EntityManager, day: string): Promise<void> {
  await em.getConnection().execute(
    `insert into ${table(em)} as b (day, calls_used, server_limit_reached_at) values (?::date, 0, now())
     on conflict (day) do update set server_limit_reached_at = coalesce(b.server_limit_reached_at, now())`,
    [day],
  );
}

/** The day's count and whether the server said its limit was reached; zero and false for a day without calls. */
export async function findBudgetDay(em: EntityManager, day: string): Promise<{ used: number; exhausted: boolean }> {
  const [row] = await em
    .getConnection()
    .execute<Array<{ calls_used: number; server_limit_reached_at: Date | null }>>(`select calls_used, server_limit_reached_at from ${table(em)} where day = ?::date`, [day]);
  return { used: row?.calls_used ?? 0, exhausted: Boolean(row?.server_limit_reached_at) };
}
