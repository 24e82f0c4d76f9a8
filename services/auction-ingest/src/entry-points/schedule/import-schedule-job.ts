import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '@marketbill/platform';
import type { Job } from '@marketbill/runtime';
import type { ImportDeps } from '../../use-cases/import-auction-day';
import { importRecentDays } from '../../use-cases/import-recent-days';
import { continueBackfills } from '../../use-cases/continue-backfills';

export interface ImportScheduleOptions {
  /** Cron expression, evaluated in `timezone`. */
  cron: string;
  /** When pending backfills are continued (cron, in `timezone`). */
  backfillCron: string;
  timezone: string;
  /** Days looked at by each tick (missing ones are imported). */
  windowDays: number;
  /** Days re-imported by every tick even when already imported. */
  refreshDays: number;
  /** Days caught up at start (0 = no catch-up). */
  catchUpDays: number;
  concurrency: number;
  logger: Logger;
}

/**
 * The import schedule: node-cron tasks in Asia/Seoul time (no overlapping runs) — the daily import
 * of recent days, and the continuation of pending backfills (by default just after the aT call
 * counter resets at midnight, with the backfills' share of the day's budget) — and, when the
 * service starts, a catch-up of the last days followed by the pending backfills, in the background
 * so the service is ready at once. Stopping the job stops them between two imports.
 */
export function createImportScheduleJob(deps: ImportDeps, options: ImportScheduleOptions): Job {
  const log = options.logger.child({ component: 'import-schedule' });
  const tasks: ScheduledTask[] = [];
  const abort = new AbortController();
  let startUp: Promise<void> | undefined;

  async function tick(trigger: 'schedule' | 'catch-up', windowDays: number): Promise<void> {
    const started = Date.now();
    const summary = await importRecentDays(deps, {
      windowDays,
      refreshDays: options.refreshDays,
      trigger,
      concurrency: options.concurrency,
      signal: abort.signal,
    });
    log.info(
      {
        trigger,
        imported: summary.done - summary.skipped,
        skipped: summary.skipped,
        failed: summary.failed,
        deferred: summary.deferred,
        stoppedBecause: summary.stoppedBecause,
        rowsRead: summary.rowsRead,
        rowsPublished: summary.rowsPublished,
        ms: Date.now() - started,
      },
      'scheduled import finished',
    );
  }

  async function backfills(): Promise<void> {
    for (const session of await continueBackfills(deps, { concurrency: options.concurrency, signal: abort.signal })) {
      log.info({ backfillId: session.backfill.id, outcome: session.outcome, ...session.progress, budgetUsed: session.budget?.used, budgetLimit: session.budget?.limit }, 'backfill continued');
    }
  }

  return {
    name: 'auction-import-schedule',
    start() {
      for (const [name, expression] of [['IMPORT_CRON', options.cron], ['BACKFILL_CRON', options.backfillCron]] as const) {
        if (!cron.validate(expression)) throw new Error(`${name} is not a valid cron expression: ${expression}`);
      }
      tasks.push(
        cron.schedule(
          options.cron,
          () => tick('schedule', options.windowDays).catch((error: unknown) => log.error({ err: error }, 'scheduled import failed')),
          { timezone: options.timezone, noOverlap: true, name: 'auction-import' },
        ),
        cron.schedule(options.backfillCron, () => backfills().catch((error: unknown) => log.error({ err: error }, 'backfill continuation failed')), {
          timezone: options.timezone,
          noOverlap: true,
          name: 'auction-backfill',
        }),
      );
      startUp = (async () => {
        if (options.catchUpDays > 0) await tick('catch-up', options.catchUpDays).catch((error: unknown) => log.error({ err: error }, 'catch-up import failed'));
        if (!abort.signal.aborted) await backfills().catch((error: unknown) => log.error({ err: error }, 'backfill continuation failed'));
      })();
      log.info(
        { cron: options.cron, backfillCron: options.backfillCron, timezone: options.timezone, catchUpDays: options.catchUpDays, next: tasks[0]?.getNextRun()?.toISOString() },
        'import schedule started',
      );
    },
    async stop() {
      abort.abort();
      for (const task of tasks) {
        await task.stop();
        await task.destroy();
      }
      await startUp;
    },
  };
}
