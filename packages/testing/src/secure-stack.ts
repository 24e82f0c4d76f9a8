import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * What the local stack offers for testing our clients' TLS and SASL settings (written by
 * `npm run stack -- up` to `.stack/secure.json`; see docs/local-stack.md):
 * - a CA whose certificate for IP 127.0.0.1 Postgres and Kafka's SASL_SSL listener present, and a
 *   second CA that signed nothing here;
 * - a Postgres role that is refused without TLS;
 * - Kafka's SASL_SSL listener and a user for SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN.
 */
export interface SecureStack {
  caFile: string;
  otherCaFile: string;
  /** Absent when the tests run against an external Postgres. */
  postgresTlsOnlyUrl?: string;
  kafka: { saslSslBrokers: string; username: string; password: string; mechanisms: string[] };
  /** How to launch Apicurio (see startSecureRegistry). */
  registry: { javaBin: string; jar: string };
}

function find(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, '.stack', 'secure.json');
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The secure endpoints of the local stack, or undefined with the reason when the tests run against
 * an external stack (testcontainers, or settings given by the environment), which has none.
 */
export function secureStack(): { stack: SecureStack; reason?: undefined } | { stack?: undefined; reason: string } {
  const file = find(process.cwd()) ?? find(__dirname);
  if (!file) return { reason: 'no .stack/secure.json: the tests run against an external stack without TLS/SASL endpoints' };
  // The environment may name another stack (testcontainers) while an old local one left its files.
  const local = JSON.parse(readFileSync(join(dirname(file), 'env.json'), 'utf8')) as { KAFKA_BROKERS?: string };
  if (process.env.KAFKA_BROKERS && process.env.KAFKA_BROKERS !== local.KAFKA_BROKERS) {
    return { reason: 'the tests run against an external stack (KAFKA_BROKERS), which has no TLS/SASL endpoints' };
  }
  const stack = JSON.parse(readFileSync(file, 'utf8')) as SecureStack;
  if (!existsSync(stack.caFile)) return { reason: `${file} names ${stack.caFile}, which is gone: run \`npm run stack -- up\`` };
  return { stack };
}
