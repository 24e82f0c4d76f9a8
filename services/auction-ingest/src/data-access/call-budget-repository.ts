import { addDays, seoulDay, seoulDayStart, type Orm, qualifiedTable } from '@marketbill/platform';
import type { CallBudget, CallBudgetStatus, CallPriority } from '../clients/call-budget';

function table(orm: Orm): string {
  const schema = (orm.config.get('schema') as string | undefined) ?? 'public';
  return qualifiedTable(schema, 'at_call_budget');
}

/**
 * The aT key's daily call budget in Postgres (`at_call_budget`, one row per Seoul day), so the
 * service, its replicas and a backfill run from the command line share one count. A call is taken
 * with one conditional upsert: it succeeds only while the count is below the caller's ceiling and
 * the server has not said "limit reached" that day, so concurrent takers can never overshoot.
 */
export function createCallBudget(orm: Orm, options: { limit: number; scheduleReserve: number; now?: () => Date }): CallBudget {
  const now = options.now ?? (() => new Date());
  const t = table(orm);
  const backfillLimit = Math.max(0, options.limit - options.scheduleReserve);
  const ceilingOf = (priority: CallPriority) => (priority === 'schedule' ? options.limit : backfillLimit);
  const connection = () => orm.em.fork().getConnection();

  return {
    async take(priority) {
      const ceiling = ceilingOf(priority);
      if (ceiling <= 0) return false;
      const rows = await connection().execute<Array<{ calls_used: number }>>(
        `insert into ${t} as b (day, calls_used) values (?::date, 1)
         on conflict (day) do update set calls_used = b.calls_used + 1
          where b.calls_used < ? and b.server_limit_reached_at is null
         returning calls_used`,
        [seoulDay(now()), ceiling],
      );
      return rows.length > 0;
    },
    async markExhausted() {
      await connection().execute(
        `insert into ${t} as b (day, calls_used, server_limit_reached_at) values (?::date, 0, now())
         on conflict (day) do update set server_limit_reached_at = coalesce(b.server_limit_reached_at, now())`,
        [seoulDay(now())],
      );
    },
    async status(): Promise<CallBudgetStatus> {
      const day = seoulDay(now());
      const [row] = await connection().execute<Array<{ calls_used: number; server_limit_reached_at: Date | null }>>(
        `select calls_used, server_limit_reached_at from ${t} where day = ?::date`,
        [day],
      );
      return {
        day,
        used: row?.calls_used ?? 0,
        limit: options.limit,
        backfillLimit,
        exhausted: Boolean(row?.server_limit_reached_at),
        resetsAt: seoulDayStart(addDays(day, 1)),
      };
    },
  };
}
