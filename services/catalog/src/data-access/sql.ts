import type { EntityManager } from '@mikro-orm/core';
import { qualifiedTable } from '@marketbill/platform';

/** The schema-qualified, quoted name of one of this service's tables (the ORM's configured schema). */
export function tableOf(em: EntityManager, name: string): string {
  return qualifiedTable((em.config.get('schema') as string | undefined) ?? 'public', name);
}

/**
 * A Postgres array literal (`{"a","b"}`) for a `?::text[]` / `?::uuid[]` binding: knex expands JS
 * arrays in raw bindings into comma-separated lists, so arrays travel as one literal string.
 */
export function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
