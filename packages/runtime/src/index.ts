import type { EntitySchema, MigrationObject } from '@mikro-orm/core';
import type { Express, RequestHandler } from 'express';
import {
  checkDatabase,
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
import { createKafkaCheck, createMessaging, messagingMigrations, OutboxMessageSchema, type Messaging, type Subscription } from '@marketbill/messaging';
import type { TopicName } from '@marketbill/schemas';
import { createStartupWait, ServiceStartingError, type Dependency, type StartupState } from './startup';

export { classifyFailure, describeFailure, ServiceStartingError, type Dependency, type FailureKind, type StartupState } from './startup';

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
  /** HTTP middleware run before the body is parsed (the edge's CORS); see HttpAppOptions.beforeBody. */
  beforeBody?: RequestHandler[];
}

export interface StartOptions {
  subscriptions?: Subscription[];
  jobs?: Job[];
  /** Dependencies of the service's own (billing's bucket), waited for after Postgres, Kafka and the registry. */
  dependencies?: Dependency[];
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
  /** What the service waits for while it starts (readiness says the same). */
  startup: StartupState;
  /** Waits for Postgres, then applies pending migrations (the `migrate` command and MIGRATE_ON_START). */
  migrate(): Promise<string[]>;
  /**
   * Installs signal handlers and listens at once (health answers: live, not ready), then waits for
   * Postgres, migrates if configured, waits for Kafka, the registry and `dependencies`, starts
   * messaging and jobs, and becomes ready. A SIGTERM meanwhile stops the wait and exits cleanly.
   */
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
    applicationName: config.service,
  });
  const shutdown = createShutdown({ logger, timeoutMs: config.shutdownTimeoutMs });
  // Aborted by a SIGTERM that arrives while the service still waits for a dependency.
  const startAbort = new AbortController();
  const wait = createStartupWait({ logger, maxDelayMs: config.startupRetryMaxDelayMs, signal: startAbort.signal });
  const health = createHealth();
  health.addReadinessCheck('startup', async () => {
    const waiting = wait.waitingFor();
    if (waiting) throw new Error(`waiting for ${waiting}${wait.lastFailure() ? `: ${wait.lastFailure()}` : ''}`);
  });
  health.addReadinessCheck('database', databaseCheck(orm));
  const http = createHttpApp({ logger, health, trustProxy: 1, ...(options.beforeBody ? { beforeBody: options.beforeBody } : {}) });
  // Mounted before the service's routers: until started, their requests get a 503 problem, not a
  // failure half-way through a use case. Health routes come earlier and are never gated.
  http.use((_req, _res, next) => next(wait.started() ? undefined : ServiceStartingError.waitingFor(wait.waitingFor())));
  let jobs: Job[] = [];
  const postgres: Dependency = { name: 'postgres', check: () => checkDatabase(orm) };

  const runtime: Runtime = {
    config,
    logger,
    orm,
    health,
    http,
    messaging: undefined,
    server: undefined,
    startup: wait,
    async migrate() {
      await wait.waitFor(postgres);
      return migrate(orm, config.database.url, logger);
    },
    async start(start = {}) {
      shutdown.add('readiness', () => health.markShuttingDown());
      shutdown.add('start-up wait', () => startAbort.abort(new Error('shutting down')));
      shutdown.add('http', () => runtime.server?.close());
      shutdown.add('messaging', () => runtime.messaging?.stop());
      shutdown.add('jobs', async () => {
        for (const job of jobs) await job.stop();
      });
      shutdown.add('orm', () => orm.close());
      if (options.onClosed) shutdown.add('telemetry', options.onClosed);
      shutdown.install();

      finishHttpApp(http, logger);
      runtime.server = await listen(http, config.http.port, config.http.host);
      logger.info({ port: runtime.server.port }, 'listening; health answers while the service starts');

      try {
        await wait.waitFor(postgres);
        if (config.database.migrateOnStart) await runtime.migrate();
        const messaging = createMessaging({
          service: config.service,
          brokers: config.kafka.brokers,
          kafkaSecurity: config.kafka.security,
          schemaRegistryUrl: config.schemaRegistryUrl,
          schemaRegistry: config.schemaRegistry,
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
        await wait.waitFor({
          name: 'kafka',
          check: createKafkaCheck({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, security: config.kafka.security, logger }),
        });
        await wait.waitFor({ name: 'schema-registry', check: () => messaging.registry.ping() });
        for (const dependency of start.dependencies ?? []) await wait.waitFor(dependency);

        runtime.messaging = messaging;
        health.addReadinessCheck('messaging', () => messaging.check());
        await messaging.start();
        jobs = start.jobs ?? [];
        for (const job of jobs) await job.start();
      } catch (error) {
        // A SIGTERM during the wait: the shutdown steps run and exit the process; not a failure.
        if (startAbort.signal.aborted) {
          logger.info({ waitingFor: wait.waitingFor() }, 'start abandoned: shutting down');
          return;
        }
        throw error;
      }
      wait.markStarted();
      logger.info({ port: runtime.server.port, schema: config.database.schema }, 'service started');
    },
    stop: (reason = 'stop requested') => shutdown.run(reason),
  };
  return runtime;
}
