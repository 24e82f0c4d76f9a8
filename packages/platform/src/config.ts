import { isIP } from 'node:net';
import { z } from 'zod';
import { KAFKA_SASL_MECHANISMS, resolveKafkaSecurity, resolveRegistryConnection, type KafkaSecurity, type RegistryConnection } from './connection-security';

export { resolveKafkaSecurity, resolveRegistryConnection } from './connection-security';
import { parsePostgresUrl, PostgresUrlError } from './postgres-connection';

/**
 * Typed, validated, fail-fast configuration.
 *
 * Each service declares one zod object whose keys are environment variable names, each with
 * `.describe()`, and maps it to its own nested config with `.transform()`. The service's
 * `config.ts` is the only place that reads `process.env` (ESLint enforces it); this module never does.
 * A process with a missing or malformed setting stops before it opens a single connection, and the
 * error names every bad key at once.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** Parses `env` with `schema`; throws {@link ConfigError} listing every problem. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  // Empty strings mean "not set": `FOO=` in a dotenv file must fall back to the default.
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  return result.data;
}

/** The values of OTEL_TRACES_SAMPLER this platform implements (the OpenTelemetry specification's, without the remote ones). */
export const TRACE_SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type TraceSamplerName = (typeof TRACE_SAMPLERS)[number];

/** Which traces a service keeps: the sampler and, for the ratio samplers, the share of new traces. */
export interface TraceSampling {
  sampler: TraceSamplerName;
  ratio: number;
}

/** Every new trace kept, and a caller's decision followed: the SDKs' default, and ours. */
export const DEFAULT_TRACE_SAMPLING: TraceSampling = { sampler: 'parentbased_always_on', ratio: 1 };

/** A TCP port. */
export const port = () => z.coerce.number().int().min(0).max(65535);

/** A boolean written as true/false/1/0/yes/no. */
export const flag = () =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A positive integer (counts, milliseconds). */
export const positiveInt = () => z.coerce.number().int().positive();

/** Comma-separated list. */
export const list = () =>
  z.string().transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

/** The names `proxy-addr` (under Express's `trust proxy`) knows for whole address families. */
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** Whether `entry` is an IP address, a CIDR range (`10.0.0.0/8`, `fd00::/8`) or one of {@link PROXY_NAMES}. */
export function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Comma-separated addresses and CIDR ranges of the proxies in front of a service (the ingress
 * controller, a load balancer) whose `X-Forwarded-For` entries are believed. Empty = none.
 */
export const trustedProxies = () =>
  list().refine((entries) => entries.every(isProxyAddress), {
    message: 'each entry must be an IP address, a CIDR range (10.0.0.0/8) or loopback/linklocal/uniquelocal',
  });

/**
 * The callers of an internal API: comma-separated `name=credential` pairs, where the credential is
 * the caller's token (at least 16 characters) or `sha256:<64 hex>` of it. At least one.
 */
export const internalCallers = () =>
  list()
    .transform((entries, ctx) => {
      const callers: Record<string, string> = {};
      for (const entry of entries) {
        const at = entry.indexOf('=');
        const name = entry.slice(0, at).trim();
        const credential = entry.slice(at + 1).trim();
        if (at < 1 || !/^[a-z][a-z0-9-]*$/.test(name)) {
          ctx.addIssue({ code: 'custom', message: `"${entry.slice(0, 20)}…" is not name=credential with a lower-case service name` });
        } else if (!/^sha256:[0-9a-f]{64}$/.test(credential) && credential.length < 16) {
          ctx.addIssue({ code: 'custom', message: `the credential of ${name} must be a token of at least 16 characters or sha256:<64 hex>` });
        } else if (callers[name]) {
          ctx.addIssue({ code: 'custom', message: `${name} is named twice` });
        } else {
          callers[name] = credential;
        }
      }
      return callers;
    })
    .refine((callers) => Object.keys(callers).length > 0, 'name at least one caller');

/**
 * Settings every service shares, as environment variable names. Spread into a service's schema:
 * `z.object({ ...platformEnv, ...messagingEnv, MY_KEY: ... })`.
 */
export const platformEnv = {
  APP_ENV: z
    .enum(['local', 'test', 'staging', 'production'])
    .default('local')
    .describe('Deployment environment; outside production external side effects are restricted (e.g. SMS allow-list).'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Minimum log level.'),
  HTTP_HOST: z.string().default('0.0.0.0').describe('Interface the HTTP server binds.'),
  TRUSTED_PROXIES: trustedProxies()
    .default([])
    .describe(
      'Addresses/CIDR ranges of the proxies whose X-Forwarded-For is believed (the ingress controller); empty = none, the TCP peer is the client.',
    ),
  DATABASE_URL: z
    .url()
    .superRefine((url, ctx) => {
      try {
        parsePostgresUrl(url);
      } catch (error) {
        if (!(error instanceof PostgresUrlError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
      }
    })
    .describe(
      'Postgres connection URL (postgres://user:password@host:port/database); the service uses its own schema inside this database. TLS as libpq: ?sslmode=require | verify-ca | verify-full, &sslrootcert=<CA file> (verify-full without it uses the system CAs); no sslmode = plain text; allow/prefer are refused. &connect_timeout=<seconds> (default 10).',
    ),
  DATABASE_POOL_MAX: positiveInt().default(10).describe('Maximum connections in the service’s pool.'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
    .url()
    .optional()
    .describe('OTLP/HTTP traces endpoint (e.g. http://collector:4318/v1/traces); unset = traces are not exported.'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional().describe('OTLP/HTTP base endpoint; /v1/traces is appended. Used when the traces endpoint is unset.'),
  OTEL_TRACES_SAMPLER: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(TRACE_SAMPLERS))
    .default(DEFAULT_TRACE_SAMPLING.sampler)
    .describe(
      `Which traces are kept, as the OpenTelemetry SDKs read it: ${TRACE_SAMPLERS.join(', ')}. parentbased_* follow the caller's sampled flag and decide only for new traces. The service's own warm-up is never exported under any of them.`,
    ),
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('The share of new traces kept by traceidratio and parentbased_traceidratio, 0 to 1 (default 1); the other samplers do not read it.'),
  SHUTDOWN_TIMEOUT_MS: positiveInt().default(15_000).describe('How long a graceful shutdown may take before the process exits anyway.'),
  MIGRATE_ON_START: flag()
    .default(true)
    .describe('Apply pending database migrations at start (replicas serialise on a lock). Set false where a migration Job runs them.'),
  STARTUP_RETRY_MAX_DELAY_MS: positiveInt()
    .min(100)
    .max(300_000)
    .default(10_000)
    .describe('Longest pause between two attempts to reach a dependency that is not up yet at start (Postgres, Kafka, the registry, S3); the wait itself has no end (readiness stays false meanwhile).'),
} as const;

/** Settings of the messaging platform (Kafka and the schema registry). */
export const messagingEnv = {
  KAFKA_BROKERS: list().describe('Comma-separated Kafka bootstrap brokers (host:port).'),
  KAFKA_CLIENT_ID: z.string().optional().describe('Kafka client id; defaults to the service name.'),
  SCHEMA_REGISTRY_URL: z.url().describe('Confluent-compatible schema registry base URL (Apicurio: …/apis/ccompat/v7).'),
  KAFKA_TOPIC_PARTITIONS: positiveInt().optional().describe('Partitions for topics this service creates; unset = the count in schemas/topics.json.'),
  KAFKA_REPLICATION_FACTOR: positiveInt().default(1).describe('Replication factor for topics this service creates.'),
  KAFKA_TOPIC_PREFIX: z.string().default('').describe('Prefix of physical topic names, registry subjects and consumer groups (tests and shared dev clusters); empty in production.'),
  KAFKA_PARTITIONS_CONCURRENCY: positiveInt().default(3).describe('Partitions a consumer processes in parallel (order still holds within each partition).'),
  KAFKA_CONSUMER_BATCH_SIZE: positiveInt()
    .max(1_000)
    .default(100)
    .describe('Messages a consumer handles in one database transaction (1 = one transaction per message); a failing batch is retried message by message.'),
  OUTBOX_RELAY_LINGER_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000)
    .default(20)
    .describe('Pause of the outbox relay after a round that published less than a full batch, so the events committed meanwhile leave together (0 = none). An idle relay still wakes at once.'),
  KAFKA_SSL: flag().default(false).describe('Connect to the brokers over TLS (every client: producer, consumers, admin).'),
  KAFKA_SSL_CA_FILE: z.string().optional().describe('PEM file of the CA(s) that signed the brokers’ certificates; unset = the system CAs. Needs KAFKA_SSL=true.'),
  KAFKA_SASL_MECHANISM: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(KAFKA_SASL_MECHANISMS))
    .optional()
    .describe('SASL authentication: plain, scram-sha-256 or scram-sha-512 (any case); unset = none. plain needs KAFKA_SSL=true in production.'),
  KAFKA_SASL_USERNAME: z.string().optional().describe('SASL user name.'),
  KAFKA_SASL_PASSWORD: z.string().optional().describe('SASL password (secret; never logged). Or KAFKA_SASL_PASSWORD_FILE.'),
  KAFKA_SASL_PASSWORD_FILE: z.string().optional().describe('File holding the SASL password (a mounted Secret; one trailing newline is ignored).'),
  SCHEMA_REGISTRY_USERNAME: z.string().optional().describe('Registry basic-auth user (or user:password@ in SCHEMA_REGISTRY_URL; this wins).'),
  SCHEMA_REGISTRY_PASSWORD: z.string().optional().describe('Registry basic-auth password (secret; never logged). Or SCHEMA_REGISTRY_PASSWORD_FILE.'),
  SCHEMA_REGISTRY_PASSWORD_FILE: z.string().optional().describe('File holding the registry password (a mounted Secret; one trailing newline is ignored).'),
  SCHEMA_REGISTRY_CA_FILE: z.string().optional().describe('PEM file of the CA(s) of an https registry’s certificate; unset = the system CAs.'),
  HEALTH_ALERT_AFTER_SECONDS: positiveInt()
    .default(60)
    .describe('Age of the oldest unpublished outbox event, or wait of a consumer partition paused for a dependency, above which /health/detail reports alert (the same threshold the documented Prometheus alerts use).'),
} as const;

/** Documentation rows (`key`, `description`, `default`) of an env schema object, for READMEs. */
export function describeEnv(shape: Record<string, z.ZodType>): Array<{ key: string; description: string; default?: unknown }> {
  return Object.entries(shape).map(([key, schema]) => {
    const def = (schema as unknown as { _zod?: { def?: { defaultValue?: unknown } } })._zod?.def?.defaultValue;
    return { key, description: schema.description ?? '', ...(def === undefined ? {} : { default: def }) };
  });
}

/** The parsed shared settings, as {@link toRuntimeConfig} arranges them. */
export interface RuntimeConfig {
  service: string;
  appEnv: 'local' | 'test' | 'staging' | 'production';
  logLevel: string;
  /** `trustedProxies`: who may tell us the client's address (X-Forwarded-For); empty = nobody. */
  http: { host: string; port: number; trustedProxies: string[] };
  database: { url: string; schema: string; poolMax: number; migrateOnStart: boolean };
  kafka: {
    brokers: string[];
    clientId: string;
    topicPrefix: string;
    partitions: number | undefined;
    replicationFactor: number;
    partitionsConcurrency: number;
    consumerBatchSize: number;
    /** The outbox relay's pause after a partial round (OUTBOX_RELAY_LINGER_MS). */
    relayLingerMs: number;
    /** TLS and SASL of every Kafka client (holds the SASL password: never log it). */
    security: KafkaSecurity;
  };
  /** The registry URL without credentials (safe to log). */
  schemaRegistryUrl: string;
  /** The registry's URL, basic-auth credentials and CA (holds the password: never log it). */
  schemaRegistry: RegistryConnection;
  telemetry: { tracesEndpoint: string | undefined; sampling: TraceSampling };
  shutdownTimeoutMs: number;
  /** The cap of the start-up wait's backoff. */
  startupRetryMaxDelayMs: number;
  /** Seconds after which a waiting outbox event or paused consumer partition is an alert (HEALTH_ALERT_AFTER_SECONDS). */
  alertAfterSeconds: number;
}

type PlatformValues = z.output<z.ZodObject<typeof platformEnv>> & z.output<z.ZodObject<typeof messagingEnv>>;

/**
 * Where traces go and which are kept, from the OpenTelemetry keys of {@link platformEnv}: the
 * traces endpoint, or the base endpoint with /v1/traces; the sampler, with its ratio (default 1).
 */
export function telemetryOf(e: Pick<PlatformValues, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_TRACES_SAMPLER' | 'OTEL_TRACES_SAMPLER_ARG'>): RuntimeConfig['telemetry'] {
  const tracesEndpoint =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
  return { tracesEndpoint, sampling: { sampler: e.OTEL_TRACES_SAMPLER, ratio: e.OTEL_TRACES_SAMPLER_ARG ?? DEFAULT_TRACE_SAMPLING.ratio } };
}

/**
 * Arranges the shared settings of a parsed env object into a {@link RuntimeConfig}. The service
 * supplies its HTTP port and schema (each service has its own defaults).
 */
export function toRuntimeConfig(service: string, e: PlatformValues, own: { httpPort: number; databaseSchema: string }): RuntimeConfig {
  const problems: string[] = [];
  const security = resolveKafkaSecurity(e, problems);
  const schemaRegistry = resolveRegistryConnection(e, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    service,
    appEnv: e.APP_ENV,
    logLevel: e.LOG_LEVEL,
    http: { host: e.HTTP_HOST, port: own.httpPort, trustedProxies: e.TRUSTED_PROXIES },
    database: { url: e.DATABASE_URL, schema: own.databaseSchema, poolMax: e.DATABASE_POOL_MAX, migrateOnStart: e.MIGRATE_ON_START },
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID ?? service,
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      partitions: e.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: e.KAFKA_REPLICATION_FACTOR,
      partitionsConcurrency: e.KAFKA_PARTITIONS_CONCURRENCY,
      consumerBatchSize: e.KAFKA_CONSUMER_BATCH_SIZE,
      relayLingerMs: e.OUTBOX_RELAY_LINGER_MS,
      security,
    },
    schemaRegistryUrl: schemaRegistry.url,
    schemaRegistry,
    telemetry: telemetryOf(e),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    startupRetryMaxDelayMs: e.STARTUP_RETRY_MAX_DELAY_MS,
    alertAfterSeconds: e.HEALTH_ALERT_AFTER_SECONDS,
  };
}
