import { Client } from 'pg';
import { pgClientConfig } from '@marketbill/platform';

/** Drops a test's schema and everything in it. */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new Client(pgClientConfig(databaseUrl, 'marketbill-test'));
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema.replace(/"/g, '""')}" cascade`);
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
