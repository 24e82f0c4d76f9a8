import { createPeriodicJob } from '@marketbill/platform';
import type { Job } from '@marketbill/runtime';
import type { IssuingDeps } from '../../use-cases/issuing-deps';
import { resumeReservedStatements } from '../../use-cases/resume-reserved-statements';

/**
 * Every few seconds, finishes (or, after too many failures, releases) statements whose issue was
 * interrupted. Ticks never overlap; replicas share the work through `for update skip locked`.
 */
export function createResumeStatementsJob(deps: IssuingDeps, options: { intervalSeconds: number; maxAttempts: number }): Job {
  const log = deps.logger.child({ job: 'resume-statements' });
  return createPeriodicJob({
    name: 'resume-statements',
    intervalMs: options.intervalSeconds * 1000,
    logger: log,
    failureMessage: 'resuming reserved statements failed',
    async tick() {
      const outcome = await resumeReservedStatements(deps, { maxAttempts: options.maxAttempts });
      if (outcome.issued.length + outcome.failed.length + outcome.released.length > 0) log.info(outcome, 'reserved statements processed');
    },
  });
}
