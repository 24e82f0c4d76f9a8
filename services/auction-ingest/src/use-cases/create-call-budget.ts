import { addDays, seoulDay, seoulDayStart, type Orm } from '@marketbill/platform';
import type { CallBudget, CallBudgetStatus, CallPriority } from '../clients/call-budget';
import { findBudgetDay, markBudgetExhausted, takeBudgetCall } from '../data-access/call-budget-repository';

/**
 * The aT key's daily call budget as the aT client spends it (the client sees only the
 * {@link CallBudget} interface): the schedule may use the whole day's `limit`, a backfill only what
 * is left above `scheduleReserve`. Each call runs on its own fork, outside any transaction, so a
 * taken call is counted at once for every process sharing the key.
 */
export function createCallBudget(orm: Orm, options: { limit: number; scheduleReserve: number; now?: () => Date }): CallBudget {
  const now = options.now ?? (() => new Date());
  const backfillLimit = Math.max(0, options.limit - options.scheduleReserve);
  const ceilingOf = (priority: CallPriority) => (priority === 'schedule' ? options.limit : backfillLimit);

  return {
    async take(priority) {
      const ceiling = ceilingOf(priority);
      if (ceiling <= 0) return false;
      return takeBudgetCall(orm.em.fork(), seoulDay(now()), ceiling);
    },
    async markExhausted() {
      await markBudgetExhausted(orm.em.fork(), seoulDay(now()));
    },
    async status(): Promise<CallBudgetStatus> {
      const day = seoulDay(now());
      const { used, exhausted } = await findBudgetDay(orm.em.fork(), day);
      return { day, used, limit: options.limit, backfillLimit, exhausted, resetsAt: seoulDayStart(addDays(day, 1)) };
    },
  };
}
