import type { EntitySchema, MigrationObject } from '@mikro-orm/core';
import type { Express, RequestHandler } from 'express';
import {
  beginWarmUp,
  checkDatabase,
  createHealth,
  createHttpApp,
  createLogger,
  createOrm,
  createProcessPresence,
  createShutdown,
  databaseCheck,
  endWarmUp,
  finishHttpApp,
  isWarmUpRequest,
  listen,
  migrate,
  type Health,
  type Logger,
  type Orm,
  type ProcessPresence,
  type RunningServer,
  type RuntimeConfig,
} from '@marketbill/platform';
import { createKafkaCheck, createMessaging, messagingMigrations, OutboxMessageSchema, type AnyEvents, type EventMap, type Messaging, type Subscription, type TopicOf, type Topics } from '@marketbill/messaging';
import { createStartupWait, ServiceStartingError, type Dependency, type StartupState } from './startup';

export { classifyFailure, describeFailure, ServiceStartingError, type Dependency, type FailureKind, type StartupState } from './startup';

/**
 * Something that runs in the background (a cron schedule, a poller) and stops cleanly. A job that
 * runs on an interval is made by `createPeriodicJob` of `@marketbill/platform` (which the messaging
 * package's inbox pruning uses too, hence platform rather than here).
 */
export interface Job {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface RuntimeOptions<E extends EventMap<E>> {
  config: RuntimeConfig;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EntitySchema generics are invariant
  entities: Array<EntitySchema<any, any>>;
  /** The service's own migrations; the messaging tables' migration is put before them. */
  migrations: MigrationObject[];
  /** The service's topics, bound to their event types (its `src/topics.ts`). */
  topics: Topics<E>;
  /** Topics the service publishes through its outbox. */
  publishes: Array<TopicOf<E>>;
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
  /**
   * Requests the service sends to its own HTTP server after everything else has started and before
   * it reports ready (readiness says `waiting for warm-up` meanwhile). See {@link WarmUp}.
   */
  warmUp?: WarmUp;
}

/**
 * A service's warm-up: `send(path)` GETs one of its own routes with the warm-up's token (which an
 * internal API accepts as caller `warm-up`; see `beginWarmUp` in @marketbill/platform). `signal`
 * is aborted after {@link WARM_UP_TIME_LIMIT_MS} or by a shutdown. A failure or a time-out is
 * logged and the service starts anyway: a cold process is slower, not wrong.
 */
export type WarmUp = (send: (path: string) => Promise<Response>, signal: AbortSignal) => Promise<void>;

/** Longest a warm-up may take before the service starts without the rest of it. */
export const WARM_UP_TIME_LIMIT_MS = 60_000;

export interface Runtime<E = AnyEvents> {
  config: RuntimeConfig;
  logger: Logger;
  orm: Orm;
  health: Health;
  /**
   * This process's presence lock: claims and leases that record `presence.ownerId` can be taken
   * over as soon as this process dies (see `ownerAliveSql`). Held from `start()` on.
   */
  presence: ProcessPresence;
  /** The Express app: mount the service's routers on it before `start()`. */
  http: Express;
  /** Set by `start()`. */
  messaging: Messaging<E> | undefined;
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
export async function createRuntime<E extends EventMap<E>>(options: RuntimeOptions<E>): Promise<Runtime<E>> {
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
  // Readiness is what this pod can serve: its own database (and its start-up). Kafka, the registry
  // and the outbox backlog go to /health/detail and /metrics instead — with Kafka down the edge
  // keeps taking orders into its outbox, and a readiness tied to Kafka would take every pod out of
  // the Service.
  const database = databaseCheck(orm);
  health.addReadinessCheck('database', database);
  const presence = createProcessPresence({ databaseUrl: config.database.url, logger, applicationName: `${config.service}-presence` });
  health.addDetail('presence', () => ({ status: presence.held() ? 'ok' : 'degraded', held: presence.held(), ownerId: presence.ownerId }));
  const http = createHttpApp({ logger, health, trustedProxies: config.http.trustedProxies, ...(options.beforeBody ? { beforeBody: options.beforeBody } : {}) });
  // Mounted before the service's routers: until started, their requests get a 503 problem, not a
  // failure half-way through a use case. Health routes come earlier and are never gated.
  // The service's own warm-up requests pass before it is ready (they carry its token; see WarmUp).
  http.use((req, _res, next) => next(wait.started() || isWarmUpRequest(req.headers) ? undefined : ServiceStartingError.waitingFor(wait.waitingFor())));
  let jobs: Job[] = [];
  const postgres: Dependency = { name: 'postgres', check: () => checkDatabase(orm) };

  const runtime: Runtime<E> = {
    config,
    logger,
    orm,
    health,
    presence,
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
      shutdown.add('presence', () => presence.stop());
      shutdown.add('orm', () => orm.close());
      if (options.onClosed) shutdown.add('telemetry', options.onClosed);
      shutdown.install();

      finishHttpApp(http, logger, {
        // Asked only for a request that failed with an error that names no cause; a frozen
        // database must not hold the answer, hence the time limit.
        databaseDown: () =>
          Promise.race([
            database().then(
              () => false,
              () => true,
            ),
            new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 2_000).unref()),
          ]),
      });
      runtime.server = await listen(http, config.http.port, config.http.host);
      logger.info({ port: runtime.server.port }, 'listening; health answers while the service starts');

      try {
        await wait.waitFor(postgres);
        if (config.database.migrateOnStart) await runtime.migrate();
        await presence.start();
        const messaging = createMessaging({
          service: config.service,
          brokers: config.kafka.brokers,
          kafkaSecurity: config.kafka.security,
          schemaRegistryUrl: config.schemaRegistryUrl,
          schemaRegistry: config.schemaRegistry,
          databaseUrl: config.database.url,
          orm,
          logger,
          topics: options.topics,
          publishes: options.publishes,
          subscriptions: start.subscriptions ?? [],
          topicPrefix: config.kafka.topicPrefix,
          replicationFactor: config.kafka.replicationFactor,
          partitionsConsumedConcurrently: config.kafka.partitionsConcurrency,
          consumerBatchSize: config.kafka.consumerBatchSize,
          relayLingerMs: config.kafka.relayLingerMs,
          ...(config.kafka.partitions ? { partitions: config.kafka.partitions } : {}),
          ...(config.alertAfterSeconds ? { alertAfterSeconds: config.alertAfterSeconds } : {}),
        });
        await wait.waitFor({
          name: 'kafka',
          check: createKafkaCheck({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, security: config.kafka.security, logger }),
        });
        await wait.waitFor({ name: 'schema-registry', check: () => messaging.registry.ping() });
        for (const dependency of start.dependencies ?? []) await wait.waitFor(dependency);
        // Answering a ping is not yet serving: on a fresh cluster the registry (a JVM warming up
        // beside everything else) timed out on the first registration and the service exited.
        // Topics and schemas are idempotent, so they are waited for like a dependency.
        await wait.waitFor({ name: 'topics-and-schemas', check: () => messaging.prepare() });

        runtime.messaging = messaging;
        health.addDetail('messaging', () => messaging.detail());
        health.addMetrics(() => messaging.metrics());
        await messaging.start();
        jobs = start.jobs ?? [];
        for (const job of jobs) await job.start();
        const warmUp = start.warmUp;
        const server = runtime.server;
        if (warmUp) {
          await wait.waitFor({ name: 'warm-up', check: () => runWarmUp(warmUp, server, config.http.host, logger, startAbort.signal) });
          startAbort.signal.throwIfAborted();
        }
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

/**
 * Runs a warm-up against this process's own server and logs what it did; never throws (a failed or
 * cut-short warm-up leaves a slower process, not a broken one).
 */
async function runWarmUp(warmUp: WarmUp, server: RunningServer, listenHost: string, logger: Logger, shutdown: AbortSignal): Promise<void> {
  // Bound to every address: ask over loopback. Bound to one: ask there.
  const host = ['0.0.0.0', '::', ''].includes(listenHost) ? '127.0.0.1' : listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  const base = `http://${host}:${server.port}`;
  const token = beginWarmUp();
  const signal = AbortSignal.any([AbortSignal.timeout(WARM_UP_TIME_LIMIT_MS), shutdown]);
  const began = Date.now();
  let requests = 0;
  let failed = 0;
  try {
    await warmUp(async (path) => {
      signal.throwIfAborted();
      const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` }, signal });
      await response.arrayBuffer();
      requests++;
      if (!response.ok) failed++;
      return response;
    }, signal);
    logger.info({ requests, failed, ms: Date.now() - began }, 'warmed up');
  } catch (error) {
    const fields = { requests, failed, ms: Date.now() - began, reason: (error as Error).message };
    if (shutdown.aborted) logger.info(fields, 'warm-up stopped: shutting down');
    else logger.warn(fields, 'warm-up stopped early; starting anyway');
  } finally {
    endWarmUp(token);
  }
}
