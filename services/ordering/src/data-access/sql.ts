import type { EntityManager } from '@mikro-orm/postgresql';

/** A schema-qualified table name of this service, for the few hand-written statements. */
export function table(em: EntityManager, name: string): string {
  const schema = (em.config.get('schema') as string | undefined) ?? 'public';
  return `"${schema.replace(/"/g, '""')}"."${name}"`;
}

/** A LIKE/ILIKE pattern matching `text` anywhere, with the wildcards in it taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
