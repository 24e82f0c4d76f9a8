import { createPeriodicJob, type Logger, type Orm } from '@marketbill/platform';
import type { Job } from '@marketbill/runtime';
import { DEFAULT_SETTLE_THRESHOLDS, settleBulkWrites, type SettleCounters, type SettleThresholds } from '../../use-cases/settle-bulk-writes';

/**
 * Every `intervalMs` (default 2 s), and once at start: settles the search tables after a bulk write
 * (see settleBulkWrites). Looking at Postgres' own counters catches every writer — the consumer's
 * backfill and catch-up, an import or restore, a seed — with no hook in any of them. One look at a
 * time; a failed look is logged and the next one tries again.
 */
export function createSettleJob(deps: { orm: Orm; logger: Logger; intervalMs?: number; thresholds?: SettleThresholds }): Job {
  const log = deps.logger.child({ component: 'settle-job' });
  let before: SettleCounters | undefined;
  return createPeriodicJob({
    name: 'settle-search-tables',
    intervalMs: deps.intervalMs ?? 2_000,
    tickAtStart: true,
    logger: log,
    failureMessage: 'settling the search tables failed; trying again at the next look',
    async tick() {
      const started = performance.now();
      const { settled, counters } = await settleBulkWrites(deps.orm.em.fork(), before, deps.thresholds ?? DEFAULT_SETTLE_THRESHOLDS);
      before = counters;
      if (settled.length > 0) log.info({ settled, durationMs: Math.round(performance.now() - started) }, 'search tables settled after bulk writes');
    },
  });
}
