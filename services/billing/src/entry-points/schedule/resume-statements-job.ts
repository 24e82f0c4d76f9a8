import type { Job } from '@marketbill/runtime';
import type { IssuingDeps } from '../../use-cases/issuing-deps';
import { resumeReservedStatements } from '../../use-cases/resume-reserved-statements';

/**
 * Every few seconds, finishes (or, after too many failures, releases) statements whose issue was
 * interrupted. Ticks never overlap; replicas share the work through `for update skip locked`.
 */
export function createResumeStatementsJob(deps: IssuingDeps, options: { intervalSeconds: number; maxAttempts: number }): Job {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const log = deps.logger.child({ job: 'resume-statements' });
  const tick = () => {
    if (running) return;
    running = resumeReservedStatements(deps, { maxAttempts: options.maxAttempts })
      .then((outcome) => {
        if (outcome.issued.length + outcome.failed.length + outcome.released.length > 0) log.info(outcome, 'reserved statements processed');
      })
      .catch((error: unknown) => log.warn({ err: error }, 'resuming reserved statements failed'))
      .finally(() => (running = undefined));
  };
  return {
    name: 'resume-statements',
    start() {
      timer = setInterval(tick, options.intervalSeconds * 1000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
