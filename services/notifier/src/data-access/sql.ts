import type { EntityManager } from '@mikro-orm/core';
import { qualifiedTable } from '@marketbill/platform';

/**
 * One of the notifier's tables, schema-qualified and quoted for the hand-written statements
 * (MikroORM qualifies entity queries itself). The schema is the one the ORM was configured with.
 */
export function tableOf(em: EntityManager, name: string): string {
  return qualifiedTable((em.config.get('schema') as string | undefined) ?? 'public', name);
}
