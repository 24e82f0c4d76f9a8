import { randomBytes } from 'node:crypto';

/** A name no other test (or test run) uses: topic prefixes, schemas, consumer groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/** A topic prefix for one test: its topics and registry subjects are its own. */
export function uniqueTopicPrefix(): string {
  return `${uniqueName('t')}.`;
}
