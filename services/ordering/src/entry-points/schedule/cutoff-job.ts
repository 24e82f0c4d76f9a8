import { schedule, type ScheduledTask } from 'node-cron';
import type { Logger, Orm } from '@marketbill/platform';
import { SEOUL_TIME_ZONE } from '@marketbill/platform';
import type { Job } from '@marketbill/runtime';
import { createUseCaseContext, type Settings } from '../../use-cases/context';
import { orderDueCarts } from '../../use-cases/orders/order-due-carts';

/**
 * Every minute (Asia/Seoul), orders the open carts whose wholesaler's cutoff has passed since they
 * last changed. Each wholesaler has its own cutoff time, so the job runs each minute rather than
 * once at 22:00; one fork of the EntityManager per tick. Ticks do not overlap.
 */
export function createCutoffJob(deps: { orm: Orm; settings: Settings; logger: Logger }): Job {
  const log = deps.logger.child({ component: 'cutoff-job' });
  let task: ScheduledTask | undefined;
  const tick = async () => {
    const ctx = createUseCaseContext(deps.orm.em.fork(), deps.settings, log);
    try {
      const result = await orderDueCarts(ctx, log);
      if (result.ordered + result.skipped > 0) log.info(result, 'cutoff tick done');
    } catch (error) {
      log.error({ err: error }, 'cutoff tick failed');
    }
  };
  return {
    name: 'cutoff',
    start() {
      task = schedule('* * * * *', tick, { name: 'ordering-cutoff', timezone: SEOUL_TIME_ZONE, noOverlap: true });
    },
    async stop() {
      await task?.stop();
      await task?.destroy();
    },
  };
}
