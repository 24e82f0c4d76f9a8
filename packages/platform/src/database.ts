import { createHash } from 'node:crypto';
import { MikroORM, type EntityManager, type EntitySchema, type MigrationObject, type Options } from '@mikro-orm/core';
import { PostgreSqlDriver, type AbstractSqlConnection, type EntityManager as PostgresEntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { parsePostgresUrl, pgClientConfig } from './postgres-connection';

/**
 * The service's MikroORM over Postgres, its EntityManager named as `@mikro-orm/postgresql`'s (the
 * SQL one: `createQueryBuilder`, `execute`, `getKnex`). `orm.em.fork()`, and the `em` a
 * `transactional()` callback receives, are that type: callers pass them on without a cast. (The
 * casts the services used to write were needed only where an EntityManager came typed as
 * `@mikro-orm/core`'s, as the messaging handlers' context did; on forks they were redundant.)
 */
export type Orm = MikroORM<PostgreSqlDriver, PostgresEntityManager>;

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
    // The first use loads @mikro-orm/migrations (umzug); a process that never migrates never loads it.
    const applied = await orm.migrator.up();
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

const statementNames = new Map<string, string>();

/**
 * Runs one hand-written statement with real parameters (`$1`, `$2` … in `text`, `values` beside it)
 * as a named prepared statement on the EntityManager's connection — inside its transaction when it
 * has one, else on a pooled connection for this statement alone. Answers the rows as `pg` returns
 * them (timestamps as Date, bigint and numeric as strings, json parsed).
 *
 * Why not `em.execute`: MikroORM formats the parameters into the SQL text (`formatQuery`), so every
 * call is a new text that Postgres parses and plans afresh and the JavaScript side spends its time
 * escaping literals. A prepared statement is parsed once per connection and, once Postgres judges a
 * generic plan good enough (after five runs), planned once too. For the hot paths (placing an order,
 * catalog search); the rest keeps the ORM. The statement's name is derived from its text, so the same
 * text always has the same name and different texts (another schema) never collide on a connection.
 * Behind a pooler in transaction mode (PgBouncer < 1.21) named statements would need
 * `max_prepared_statements`; we connect to Postgres directly.
 */
export async function preparedQuery<R = Record<string, unknown>>(em: EntityManager, text: string, values: readonly unknown[]): Promise<R[]> {
  let name = statementNames.get(text);
  if (!name) {
    name = `mb_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  // The transaction's knex client hands out the transaction's own connection (and its release is a
  // no-op); outside a transaction the pool's client lends one connection for this statement.
  const knex = em.getTransactionContext<{ client: unknown }>() ?? (em.getConnection() as AbstractSqlConnection).getKnex();
  const client = knex.client as { acquireConnection(): Promise<PgConnection>; releaseConnection(c: PgConnection): Promise<unknown> };
  const connection = await client.acquireConnection();
  try {
    const result = await connection.query({ name, text, values: values as unknown[] });
    return result.rows as R[];
  } finally {
    await client.releaseConnection(connection);
  }
}

interface PgConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
