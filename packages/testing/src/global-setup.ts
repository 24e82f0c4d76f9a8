import { stackEnv } from './stack-env';
import { newTestRun, TEST_RUN_VARIABLE } from './names';

/**
 * Jest global setup of the integration and fault projects: makes sure the stack settings exist and
 * exports them to the workers, so every test connects to the same real infrastructure; and tags the
 * run, so that the names its tests make can be found and removed at its end (global-teardown.ts).
 */
export default async function globalSetup(): Promise<void> {
  const env = stackEnv();
  for (const [key, value] of Object.entries(env)) {
    process.env[key] = value;
  }
  process.env[TEST_RUN_VARIABLE] ??= newTestRun();
}
