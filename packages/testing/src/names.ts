import { randomBytes } from 'node:crypto';

/**
 * The environment variable holding the Jest run's tag (set by the global setup, so every worker
 * sees it). Names made during a run carry it, and the global teardown removes what carries it.
 */
export const TEST_RUN_VARIABLE = 'MARKETBILL_TEST_RUN';

/** A fresh run tag: the time in base 36 (8 characters until 2059), as names have always begun. */
export function newTestRun(): string {
  return Date.now().toString(36);
}

/**
 * A name no other test (or test run) uses: topic prefixes, schemas, consumer groups. Inside a Jest
 * run it is `<prefix>_<run tag><8 hex>`, which the run's teardown recognises; elsewhere the tag is
 * the current time, the same shape. `run` names it for another run (the cleanup's own tests).
 */
export function uniqueName(prefix: string, run: string = process.env[TEST_RUN_VARIABLE] ?? newTestRun()): string {
  return `${prefix}_${run}${randomBytes(4).toString('hex')}`;
}

/** A topic prefix for one test: its topics and registry subjects are its own. */
export function uniqueTopicPrefix(): string {
  return `${uniqueName('t')}.`;
}

/**
 * Whether a topic, consumer group, registry subject or Postgres schema was named by `uniqueName`
 * during the given run: `<letters, digits, _ or ->_<run><8 hex>`, then the end or a separator.
 */
export function madeInRun(name: string, run: string): boolean {
  if (!/^[0-9a-z]+$/.test(run)) throw new Error(`not a test run tag: ${JSON.stringify(run)}`);
  return new RegExp(`^[a-z][a-z0-9_-]*?_${run}[0-9a-f]{8}(?:$|[._-])`).test(name);
}
