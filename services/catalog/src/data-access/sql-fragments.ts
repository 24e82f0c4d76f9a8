import type { EntityManager } from '@mikro-orm/core';

/** The schema-qualified name of one of this service's tables. */
export function tableOf(em: EntityManager, name: string): string {
  const schema = (em.config.get('schema') as string | undefined) ?? 'public';
  return `"${schema.replace(/"/g, '""')}".${name}`;
}

/**
 * A Postgres array literal (`{"a","b"}`) for a `?::text[]` / `?::uuid[]` binding: knex expands JS
 * arrays in raw bindings into comma-separated lists, so arrays travel as one literal string.
 */
export function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
