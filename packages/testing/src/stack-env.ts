import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Connection settings of the real infrastructure the integration tests use. */
export interface StackEnv {
  DATABASE_URL: string;
  KAFKA_BROKERS: string;
  SCHEMA_REGISTRY_URL: string;
  S3_ENDPOINT: string;
  S3_REGION: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_FORCE_PATH_STYLE: string;
}

const KEYS: Array<keyof StackEnv> = [
  'DATABASE_URL',
  'KAFKA_BROKERS',
  'SCHEMA_REGISTRY_URL',
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
];

function findStackEnvFile(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, '.stack', 'env.json');
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The stack's settings: from the environment when the test runner (or CI, or testcontainers) set
 * them, else from `.stack/env.json` written by `npm run stack -- up`. Fails with the command to
 * run when neither exists, rather than letting a test time out against nothing.
 */
export function stackEnv(): StackEnv {
  const env = process.env;
  if (KEYS.every((k) => env[k])) {
    return Object.fromEntries(KEYS.map((k) => [k, env[k] as string])) as unknown as StackEnv;
  }
  const file = findStackEnvFile(process.cwd()) ?? findStackEnvFile(__dirname);
  if (!file) {
    throw new Error('No stack settings: run the tests with `npm test`, or start the stack with `npm run stack -- up`.');
  }
  const fromFile = JSON.parse(readFileSync(file, 'utf8')) as Partial<StackEnv>;
  const missing = KEYS.filter((k) => !fromFile[k]);
  if (missing.length > 0) throw new Error(`${file} lacks ${missing.join(', ')}; run \`npm run stack -- up\` again.`);
  return fromFile as StackEnv;
}
