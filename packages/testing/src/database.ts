import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { pgClientConfig, provisionServiceRole, roleUrl, quoteIdentifier } from '@marketbill/platform';

/** Drops a test's schema and everything in it. */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new Client(pgClientConfig(databaseUrl, 'marketbill-test'));
  await client.connect();
  try {
    await client.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`);
  } finally {
    await client.end();
  }
}

/** Runs one query on a short-lived connection (for assertions on tables). */
export async function query<T extends Record<string, unknown>>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client(pgClientConfig(databaseUrl, 'marketbill-test'));
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A service's database for a test: its schema (created if missing) owned by the service's own role
 * — as in a deployment, never the superuser — and the URL the service connects with. Tests have
 * roles of their own (`ordering_test`, …), so they never change the password of the roles a running
 * `npm run up` uses; the password is derived from the administrator's URL, so every test worker
 * computes the same one.
 */
export async function serviceDatabase(adminUrl: string, service: string, schema: string): Promise<{ url: string; role: string; schema: string }> {
  const role = `${service.replace(/-/g, '_')}_test`;
  const password = createHash('sha256').update(`${adminUrl}\n${role}`).digest('hex').slice(0, 32);
  await provisionServiceRole(adminUrl, { role, password, schema });
  return { url: roleUrl(adminUrl, { role, password }), role, schema };
}
