import type { EntityManager } from '@mikro-orm/postgresql';

/** The service's Postgres schema, as the ORM was configured with it. */
export function schemaOf(em: EntityManager): string {
  return (em.config.get('schema') as string | undefined) ?? 'public';
}

/** A schema-qualified table name of this service, for the few hand-written statements. */
export function table(em: EntityManager, name: string): string {
  return qualifiedTable(schemaOf(em), name);
}

/** `"schema"."name"`, quoted: for statement texts built once per schema (prepared statements). */
export function qualifiedTable(schema: string, name: string): string {
  return `"${schema.replace(/"/g, '""')}"."${name}"`;
}

/** A LIKE/ILIKE pattern matching `text` anywhere, with the wildcards in it taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
