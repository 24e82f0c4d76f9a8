// One Postgres role per service, owner of its schema and nothing else, made by the stack with the
// administrator's connection: the same statements as the platform's provisionServiceRole (one pure
// module both run), through psql so the stack tool needs no build and no npm package.
import { serviceRoleSql } from '../../packages/platform/src/service-role-sql.ts';
import { run, type Log } from './process.ts';
import { secret } from './secrets.ts';

/** The services' roles; each owns the schema of the same name (a service's DATABASE_SCHEMA default). */
export const serviceRoles = ['auction_ingest', 'catalog', 'ordering', 'billing', 'notifier'] as const;

/** A service role's password: generated once into .stack/secrets.json. */
export function serviceRolePassword(role: string): string {
  return secret(`${role.toUpperCase()}_DATABASE_PASSWORD`);
}

/** `databaseUrl` (the administrator's) as the service's own role. */
export function serviceRoleUrl(databaseUrl: string, role: string): string {
  const url = new URL(databaseUrl);
  url.username = role;
  url.password = serviceRolePassword(role);
  return url.href;
}

/**
 * Creates or brings up to date every service role and its schema in the database of `databaseUrl`
 * (an administrator's URL). Idempotent; a schema an older stack made as the administrator is handed
 * to its role with everything in it.
 */
export async function ensureServiceRoles(psqlBin: string, databaseUrl: string, log: Log): Promise<void> {
  for (const role of serviceRoles) {
    // One psql -c: the statements run as one transaction (the advisory lock in them is transaction-scoped).
    const sql = serviceRoleSql({ role, password: serviceRolePassword(role), schema: role }).join(';\n');
    const result = await run(psqlBin, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, '-c', sql]);
    if (result.code !== 0) throw new Error(`could not set up the database role ${role}: ${`${result.stdout}${result.stderr}`.trim().split('\n').slice(-3).join('\n')}`);
  }
  log(`postgres: roles ${serviceRoles.join(', ')} ready, each the owner of its schema only`);
}
