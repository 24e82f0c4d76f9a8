import { createHash } from 'node:crypto';
import { MikroORM, type EntitySchema, type MigrationObject, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Logger } from 'pino';

export type Orm = MikroORM<PostgreSqlDriver>;

/** How long opening a database connection may take before it fails (and is retried by its caller). */
export const CONNECTION_TIMEOUT_MS = 5_000;

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
}

/**
 * One MikroORM instance per service process over its own schema. Entities are declared with
 * `EntitySchema` (no decorators, no reflect-metadata), and the global EntityManager is disabled:
 * every request, message and cron tick works in its own `orm.em.fork()`.
 */
export async function createOrm(options: DatabaseOptions): Promise<Orm> {
  const config: Options<PostgreSqlDriver> = {
    driver: PostgreSqlDriver,
    clientUrl: options.url,
    schema: options.schema,
    entities: options.entities,
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    pool: { min: 0, max: options.poolMax ?? 10 },
    // pg waits for a connection without limit by default: a database host that drops packets, or a
    // local connection that met itself (a client retrying a stopped local server can be handed its
    // own port as the source port, see docs/local-stack.md), would hold a pool slot forever.
    driverOptions: { connection: { connectionTimeoutMillis: CONNECTION_TIMEOUT_MS, keepAlive: true } },
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
  const lockClient = new Client({ connectionString: url, connectionTimeoutMillis: CONNECTION_TIMEOUT_MS });
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
