import type { EntityManager } from '@mikro-orm/postgresql';
import { qualifiedTable } from '@marketbill/platform';

export { qualifiedTable };

/** The service's Postgres schema, as the ORM was configured with it. */
export function schemaOf(em: EntityManager): string {
  return (em.config.get('schema') as string | undefined) ?? 'public';
}

/** A schema-qualified table name of this service, for the few hand-written statements. */
export function table(em: EntityManager, name: string): string {
  return qualifiedTable(schemaOf(em), name);
}

/** A LIKE/ILIKE pattern matching `text` anywhere, with the wildcards in it taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Runs a `delete …` statement and answers how many rows it deleted. */
export async function deleteCounting(em: EntityManager, deleteSql: string, params: unknown[]): Promise<number> {
  const rows = await em.execute<Array<{ n: number }>>(`with gone as (${deleteSql} returning 1) select count(*)::int as n from gone`, params);
  return Number(rows[0]?.n ?? 0);
}
