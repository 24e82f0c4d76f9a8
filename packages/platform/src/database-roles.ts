import { Client } from 'pg';
import { pgClientConfig } from './postgres-connection';
import { serviceRoleSql, type ServiceRole } from './service-role-sql';

/**
 * Each service connects to Postgres as its own role, which owns its schema and nothing else: no
 * superuser, no CREATEDB/CREATEROLE, no privilege on any other service's schema, so "each service
 * owns its schema" is enforced by the database, not by convention. A leaked DATABASE_URL reaches one
 * service's tables.
 *
 * The statements (service-role-sql.ts) are the one definition of a role, run with an
 * administrator's connection (the local stack's `postgres`, a DBA in production): the stack tool
 * runs them through psql, the test harnesses through this function, the kind cluster's bootstrap
 * mirrors them. Idempotent, and it takes over what an older setup left behind: a
 * schema (and its tables, sequences, functions) owned by the administrator is handed to the role.
 */
export { serviceRoleSql, type ServiceRole } from './service-role-sql';

/** Runs {@link serviceRoleSql} in one transaction on an administrator's connection. */
export async function provisionServiceRole(adminUrl: string, role: ServiceRole): Promise<void> {
  const client = new Client(pgClientConfig(adminUrl, 'marketbill-provision'));
  await client.connect();
  try {
    await client.query('begin');
    for (const statement of serviceRoleSql(role)) await client.query(statement);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** `adminUrl` with the role's name and password instead of the administrator's. */
export function roleUrl(adminUrl: string, role: { role: string; password: string }): string {
  const url = new URL(adminUrl);
  url.username = encodeURIComponent(role.role);
  url.password = encodeURIComponent(role.password);
  return url.href;
}
