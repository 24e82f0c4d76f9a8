import { schedule, type ScheduledTask } from 'node-cron';
import { SEOUL_TIME_ZONE, type Logger, type Orm } from '@marketbill/platform';
import type { Job } from '@marketbill/runtime';
import { createUseCaseContext, type Settings } from '../../use-cases/context';
import { pruneExpired } from '../../use-cases/housekeeping/prune-expired';

/** Hourly: deletes expired idempotency keys, rate-limit windows, codes, tokens and invitations. Idempotent on every replica. */
export function createHousekeepingJob(deps: { orm: Orm; settings: Settings; logger: Logger }): Job {
  const log = deps.logger.child({ component: 'housekeeping-job' });
  let task: ScheduledTask | undefined;
  return {
    name: 'housekeeping',
    start() {
      task = schedule(
        '17 * * * *',
        async () => {
          try {
            const deleted = await pruneExpired(createUseCaseContext(deps.orm.em.fork(), deps.settings, log));
            log.info({ deleted }, 'expired rows pruned');
          } catch (error) {
            log.error({ err: error }, 'housekeeping failed');
          }
        },
        { name: 'ordering-housekeeping', timezone: SEOUL_TIME_ZONE, noOverlap: true },
      );
    },
    async stop() {
      await task?.stop();
      await task?.destroy();
    },
  };
}
