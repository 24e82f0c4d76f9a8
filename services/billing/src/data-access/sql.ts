import type { EntityManager } from '@mikro-orm/postgresql';
import { qualifiedTable } from '@marketbill/platform';

/** A table of the service's own schema, quoted for raw SQL (MikroORM qualifies entity queries itself). */
export function tableOf(em: EntityManager, name: string): string {
  const schema = (em.config.get('schema') as string | undefined) ?? 'public';
  return qualifiedTable(schema, name);
}

/** True for a Postgres unique violation (23505), as MikroORM or pg report it. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; name?: string };
  return e?.code === '23505' || e?.name === 'UniqueConstraintViolationException';
}
