import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, list, loadConfig, messagingEnv, platformEnv, resolveKafkaSecurity, resolveRegistryConnection } from '@marketbill/platform/config';

// The services' own keys for Kafka TLS/SASL and registry credentials, so an operator points the
// CLIs at a managed cluster with the same settings the services run with.
const cliEnv = z
  .object({
    APP_ENV: platformEnv.APP_ENV,
    KAFKA_BROKERS: list().describe('Kafka bootstrap brokers.'),
    SCHEMA_REGISTRY_URL: z.url().describe('Schema registry base URL.'),
    KAFKA_TOPIC_PREFIX: z.string().default('').describe('Prefix of the physical topic names.'),
    KAFKA_SSL: messagingEnv.KAFKA_SSL,
    KAFKA_SSL_CA_FILE: messagingEnv.KAFKA_SSL_CA_FILE,
    KAFKA_SASL_MECHANISM: messagingEnv.KAFKA_SASL_MECHANISM,
    KAFKA_SASL_USERNAME: messagingEnv.KAFKA_SASL_USERNAME,
    KAFKA_SASL_PASSWORD: messagingEnv.KAFKA_SASL_PASSWORD,
    KAFKA_SASL_PASSWORD_FILE: messagingEnv.KAFKA_SASL_PASSWORD_FILE,
    SCHEMA_REGISTRY_USERNAME: messagingEnv.SCHEMA_REGISTRY_USERNAME,
    SCHEMA_REGISTRY_PASSWORD: messagingEnv.SCHEMA_REGISTRY_PASSWORD,
    SCHEMA_REGISTRY_PASSWORD_FILE: messagingEnv.SCHEMA_REGISTRY_PASSWORD_FILE,
    SCHEMA_REGISTRY_CA_FILE: messagingEnv.SCHEMA_REGISTRY_CA_FILE,
  })
  .transform((e) => {
    const problems: string[] = [];
    const kafkaSecurity = resolveKafkaSecurity(e, problems);
    const schemaRegistry = resolveRegistryConnection(e, problems);
    if (problems.length > 0) throw new ConfigError(problems);
    return { kafkaBrokers: e.KAFKA_BROKERS, kafkaSecurity, schemaRegistryUrl: schemaRegistry.url, schemaRegistry, topicPrefix: e.KAFKA_TOPIC_PREFIX };
  });

/** The CLI's configuration: the environment, falling back to the local stack's settings. */
export function readCliEnv(stackEnvJson: string | undefined): z.output<typeof cliEnv> {
  return loadConfig(cliEnv, withStack(stackEnvJson));
}

/** The environment over the local stack's settings: what the CLIs read their keys from. */
function withStack(stackEnvJson: string | undefined): Record<string, string | undefined> {
  const fromStack = stackEnvJson ? (JSON.parse(stackEnvJson) as Record<string, string>) : {};
  return { ...fromStack, ...process.env };
}

/** The database of `mb-outbox`: DATABASE_URL from the environment, else the local stack's. */
export function readDatabaseCliEnv(stackEnvJson: string | undefined): { databaseUrl: string } {
  const e = loadConfig(z.object({ DATABASE_URL: z.string().min(1).describe('Postgres URL with access to the service schema.') }), withStack(stackEnvJson));
  return { databaseUrl: e.DATABASE_URL };
}

/** The local stack's settings (`.stack/env.json` in this directory or the nearest one above), if it runs. */
export function findStackEnv(): string | undefined {
  for (let dir = process.cwd(); ; dir = join(dir, '..')) {
    const file = join(dir, '.stack', 'env.json');
    if (existsSync(file)) return readFileSync(file, 'utf8');
    if (dir === '/' || dir === join(dir, '..')) return undefined;
  }
}
