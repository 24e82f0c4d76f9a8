import { stackEnv } from './stack-env';
import { TEST_RUN_VARIABLE } from './names';
import { removeTestRun } from './test-run-cleanup';

export const KEEP_VARIABLE = 'MARKETBILL_KEEP_TEST_DATA';

/**
 * Jest global teardown of the integration and fault projects: removes the topics, consumer groups,
 * registry subjects and Postgres schemas the run's tests named, so that a long-lived local stack
 * does not pile up hundreds of partitions per run. `MARKETBILL_KEEP_TEST_DATA=1` keeps them for a
 * look after a failure. A cleanup that fails is reported and does not fail the run.
 */
export default async function globalTeardown(): Promise<void> {
  const run = process.env[TEST_RUN_VARIABLE];
  if (!run) return;
  if (process.env[KEEP_VARIABLE] === '1') {
    console.log(`test run ${run}: its topics, registry subjects and schemas are kept (${KEEP_VARIABLE}=1)`);
    return;
  }
  const started = Date.now();
  const report = await removeTestRun(stackEnv(), run);
  console.log(
    `test run ${run}: removed ${report.topics} topics, ${report.groups} consumer groups, ${report.subjects} registry subjects ` +
      `and ${report.schemas} Postgres schemas in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const failure of report.failures) console.warn(`  left in place: ${failure}`);
}
