import { createHash } from 'node:crypto';
import { MikroORM, type EntitySchema, type MigrationObject, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { parsePostgresUrl, pgClientConfig } from './postgres-connection';

export type Orm = MikroORM<PostgreSqlDriver>;

export interface DatabaseOptions {
  /** Postgres URL of the shared database. */
  url: string;
  /** The service's own schema (its name in snake_case); every table and the migration log live there. */
  schema: string;
  // EntitySchema's own generics are invariant; any entity shape is accepted here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  entities: Array<EntitySchema<any, any>>;
  /** Migrations in the order they apply; listed in code so built images need no file globbing. */
  migrations: MigrationObject[];
  poolMax?: number;
  logger?: Logger;
  /** What `pg_stat_activity` shows for the pool's sessions (the service name). */
  applicationName?: string;
}

/**
 * One MikroORM instance per service process over its own schema. Entities are declared with
 * `EntitySchema` (no decorators, no reflect-metadata), and the global EntityManager is disabled:
 * every request, message and cron tick works in its own `orm.em.fork()`.
 *
 * Creating it opens no connection (`connect: false`): the pool connects on first use, so a process
 * can start, serve its health endpoints and wait for Postgres (see {@link checkDatabase}) instead of
 * failing in `MikroORM.init`. MikroORM's `ensureDatabase` (which would create a missing database)
 * is off: the database is provisioned, each service only migrates its own schema.
 *
 * The connection is given field by field, TLS included, from {@link parsePostgresUrl}: MikroORM 6
 * keeps only host, port, user, password and database of a `clientUrl` and drops its query string,
 * so `?sslmode=require` would silently mean plain text (docs/postgres-tls.md).
 */
export async function createOrm(options: DatabaseOptions): Promise<Orm> {
  const connection = parsePostgresUrl(options.url);
  const config: Options<PostgreSqlDriver> = {
    driver: PostgreSqlDriver,
    host: connection.host,
    port: connection.port,
    user: connection.user,
    ...(connection.password === undefined ? {} : { password: connection.password }),
    dbName: connection.database,
    // Merged into the `pg` client options knex builds from the fields above.
    driverOptions: {
      connection: {
        ssl: connection.ssl,
        connectionTimeoutMillis: connection.connectionTimeoutMillis,
        ...(options.applicationName ?? connection.applicationName ? { application_name: options.applicationName ?? connection.applicationName } : {}),
      },
    },
    connect: false,
    ensureDatabase: false,
    schema: options.schema,
    entities: options.entities,
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    pool: { min: 0, max: options.poolMax ?? 10 },
    extensions: [Migrator],
    migrations: {
      migrationsList: options.migrations,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    debug: false,
    ...(options.logger ? { logger: (message: string) => options.logger?.debug({ orm: message }, 'orm') } : {}),
  };
  return MikroORM.init(config);
}

/**
 * Applies pending migrations. Replicas starting together (or a migration Job racing a pod) are
 * serialised by a Postgres advisory lock held on a dedicated connection, because MikroORM itself
 * takes no lock and two runners would both try to apply the same migration.
 */
export async function migrate(orm: Orm, url: string, logger?: Logger): Promise<string[]> {
  const schema = orm.config.get('schema') ?? 'public';
  const lockId = advisoryLockId(`migrate:${schema}`);
  const lockClient = new Client(pgClientConfig(url, `${schema}-migrate`));
  await lockClient.connect();
  try {
    await lockClient.query('select pg_advisory_lock($1)', [lockId]);
    const applied = await orm.getMigrator().up();
    const names = applied.map((m) => m.name);
    if (names.length > 0) logger?.info({ schema, migrations: names }, 'migrations applied');
    return names;
  } finally {
    await lockClient.query('select pg_advisory_unlock($1)', [lockId]).catch(() => undefined);
    await lockClient.end();
  }
}

/** A stable signed 64-bit advisory lock id for a name (as a string, since JS numbers cannot hold it). */
export function advisoryLockId(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

/** Readiness check for the database. */
export function databaseCheck(orm: Orm): () => Promise<void> {
  return async () => {
    await orm.em.getConnection().execute('select 1');
  };
}

/**
 * One `select 1` through the ORM's pool; throws the driver's error (with its `code`) when Postgres
 * cannot be reached or refuses us. The start-up wait polls it.
 */
export async function checkDatabase(orm: Orm): Promise<void> {
  const result = await orm.em.getConnection().checkConnection();
  if (!result.ok) throw result.error ?? new Error(result.reason);
}
