import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '@marketbill/platform';
import type { Job } from '@marketbill/runtime';
import type { ImportDeps } from '../../use-cases/import-auction-day';
import { importRecentDays } from '../../use-cases/import-recent-days';

export interface ImportScheduleOptions {
  /** Cron expression, evaluated in `timezone`. */
  cron: string;
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
 * The import schedule: a node-cron task in Asia/Seoul time (no overlapping runs), and a catch-up of
 * the last days when the service starts. The catch-up runs in the background so the service is
 * ready at once; stopping the job stops it between two imports.
 */
export function createImportScheduleJob(deps: ImportDeps, options: ImportScheduleOptions): Job {
  const log = options.logger.child({ component: 'import-schedule' });
  let task: ScheduledTask | undefined;
  const abort = new AbortController();
  let catchUp: Promise<void> | undefined;

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
      { trigger, imported: summary.done - summary.skipped, skipped: summary.skipped, failed: summary.failed, rowsRead: summary.rowsRead, rowsPublished: summary.rowsPublished, ms: Date.now() - started },
      'scheduled import finished',
    );
  }

  return {
    name: 'auction-import-schedule',
    start() {
      if (!cron.validate(options.cron)) throw new Error(`IMPORT_CRON is not a valid cron expression: ${options.cron}`);
      task = cron.schedule(
        options.cron,
        () => tick('schedule', options.windowDays).catch((error: unknown) => log.error({ err: error }, 'scheduled import failed')),
        { timezone: options.timezone, noOverlap: true, name: 'auction-import' },
      );
      if (options.catchUpDays > 0) {
        catchUp = tick('catch-up', options.catchUpDays).catch((error: unknown) => log.error({ err: error }, 'catch-up import failed'));
      }
      log.info({ cron: options.cron, timezone: options.timezone, catchUpDays: options.catchUpDays, next: task.getNextRun()?.toISOString() }, 'import schedule started');
    },
    async stop() {
      abort.abort();
      await task?.stop();
      await task?.destroy();
      await catchUp;
    },
  };
}
