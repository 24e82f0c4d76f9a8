import { z } from 'zod';
import { list, loadConfig } from '@marketbill/platform/config';

const cliEnv = z
  .object({
    KAFKA_BROKERS: list().describe('Kafka bootstrap brokers.'),
    SCHEMA_REGISTRY_URL: z.url().describe('Schema registry base URL.'),
    KAFKA_TOPIC_PREFIX: z.string().default('').describe('Prefix of the physical topic names.'),
  })
  .transform((e) => ({ kafkaBrokers: e.KAFKA_BROKERS, schemaRegistryUrl: e.SCHEMA_REGISTRY_URL, topicPrefix: e.KAFKA_TOPIC_PREFIX }));

/** The CLI's configuration: the environment, falling back to the local stack's settings. */
export function readCliEnv(stackEnvJson: string | undefined): z.output<typeof cliEnv> {
  const fromStack = stackEnvJson ? (JSON.parse(stackEnvJson) as Record<string, string>) : {};
  return loadConfig(cliEnv, { ...fromStack, ...process.env });
}
