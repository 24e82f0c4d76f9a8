import type { EntitySchema, MigrationObject } from '@mikro-orm/core';
import type { Express } from 'express';
import {
  createHealth,
  createHttpApp,
  createLogger,
  createOrm,
  createShutdown,
  databaseCheck,
  finishHttpApp,
  listen,
  migrate,
  type Health,
  type Logger,
  type Orm,
  type RunningServer,
  type RuntimeConfig,
} from '@marketbill/platform';
import { createMessaging, messagingMigrations, OutboxMessageSchema, type Messaging, type Subscription } from '@marketbill/messaging';
import type { TopicName } from '@marketbill/schemas';

/** Something that runs in the background (a cron schedule, a poller) and stops cleanly. */
export interface Job {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface RuntimeOptions {
  config: RuntimeConfig;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EntitySchema generics are invariant
  entities: Array<EntitySchema<any, any>>;
  /** The service's own migrations; the messaging tables' migration is put before them. */
  migrations: MigrationObject[];
  /** Topics the service publishes through its outbox. */
  publishes: TopicName[];
  /** Shutdown hook run last (the telemetry flush). */
  onClosed?: () => Promise<void>;
  /** Log destination (tests). */
  logDestination?: Parameters<typeof createLogger>[0]['destination'];
}

export interface StartOptions {
  subscriptions?: Subscription[];
  jobs?: Job[];
}

export interface Runtime {
  config: RuntimeConfig;
  logger: Logger;
  orm: Orm;
  health: Health;
  /** The Express app: mount the service's routers on it before `start()`. */
  http: Express;
  /** Set by `start()`. */
  messaging: Messaging | undefined;
  server: RunningServer | undefined;
  /** Applies pending migrations (the `migrate` command and MIGRATE_ON_START). */
  migrate(): Promise<string[]>;
  /** Migrates if configured, starts messaging and jobs, then listens; installs signal handlers. */
  start(options?: StartOptions): Promise<void>;
  /** The graceful shutdown: HTTP, consumers and relay, jobs, ORM, telemetry. */
  stop(reason?: string): Promise<void>;
}

/**
 * Service defaults: everything a MarketBill service does the same way. The service's `main.ts`
 * creates the runtime, wires its own use cases, routers, subscriptions and jobs, and starts it.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config } = options;
  const logger = createLogger({
    service: config.service,
    level: config.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const orm = await createOrm({
    url: config.database.url,
    schema: config.database.schema,
    entities: [OutboxMessageSchema, ...options.entities],
    migrations: [...messagingMigrations, ...options.migrations],
    poolMax: config.database.poolMax,
    logger,
  });
  const health = createHealth();
  health.addReadinessCheck('database', databaseCheck(orm));
  const http = createHttpApp({ logger, health, trustedProxies: config.http.trustedProxies });
  const shutdown = createShutdown({ logger, timeoutMs: config.shutdownTimeoutMs });
  let jobs: Job[] = [];

  const runtime: Runtime = {
    config,
    logger,
    orm,
    health,
    http,
    messaging: undefined,
    server: undefined,
    migrate: () => migrate(orm, config.database.url, logger),
    async start(start = {}) {
      if (config.database.migrateOnStart) await runtime.migrate();
      const messaging = createMessaging({
        service: config.service,
        brokers: config.kafka.brokers,
        schemaRegistryUrl: config.schemaRegistryUrl,
        databaseUrl: config.database.url,
        orm,
        logger,
        publishes: options.publishes,
        subscriptions: start.subscriptions ?? [],
        topicPrefix: config.kafka.topicPrefix,
        replicationFactor: config.kafka.replicationFactor,
        partitionsConsumedConcurrently: config.kafka.partitionsConcurrency,
        consumerBatchSize: config.kafka.consumerBatchSize,
        ...(config.kafka.partitions ? { partitions: config.kafka.partitions } : {}),
      });
      runtime.messaging = messaging;
      health.addReadinessCheck('messaging', () => messaging.check());
      await messaging.start();
      jobs = start.jobs ?? [];
      for (const job of jobs) await job.start();
      finishHttpApp(http, logger);
      runtime.server = await listen(http, config.http.port, config.http.host);

      shutdown.add('readiness', () => health.markShuttingDown());
      shutdown.add('http', () => runtime.server?.close());
      shutdown.add('messaging', () => messaging.stop());
      shutdown.add('jobs', async () => {
        for (const job of jobs) await job.stop();
      });
      shutdown.add('orm', () => orm.close());
      if (options.onClosed) shutdown.add('telemetry', options.onClosed);
      shutdown.install();
      logger.info({ port: runtime.server.port, schema: config.database.schema }, 'service started');
    },
    stop: (reason = 'stop requested') => shutdown.run(reason),
  };
  return runtime;
}
