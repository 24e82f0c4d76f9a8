import { randomUUID } from 'node:crypto';
import type { RegistryClient } from './registry';

/**
 * Asks the registry whether `next` may follow `previous` under BACKWARD compatibility: the previous
 * version is registered under a throw-away subject (deleted afterwards) and the registry judges.
 * Using the registry itself, rather than a local reimplementation of Avro's rules, means the check
 * refuses exactly what production would refuse.
 */
export async function checkCompatibility(
  registry: RegistryClient,
  topic: string,
  previous: string,
  next: string,
): Promise<{ compatible: boolean; messages: string[] }> {
  const subject = `compat-check.${topic}.${randomUUID()}-value`;
  try {
    await registry.register(subject, JSON.stringify(JSON.parse(previous)));
    return await registry.isCompatible(subject, JSON.stringify(JSON.parse(next)));
  } finally {
    await registry.deleteSubject(subject).catch(() => undefined);
  }
}
