import { readFileSync } from 'node:fs';

/** SASL mechanisms kafkajs speaks and managed Kafka offerings use (MSK, Aiven: SCRAM; Confluent Cloud: PLAIN). */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/**
 * How the Kafka clients (producer, consumers, admin) reach the brokers. Holds a password: never log it.
 * `ssl` false = plain TCP; otherwise TLS, verifying the brokers against `ca` (PEM) or the system CAs.
 */
export interface KafkaSecurity {
  ssl: false | { ca?: string };
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
}

/** How to reach the schema registry: its URL without credentials, basic auth, and the CA of its TLS certificate. */
export interface RegistryConnection {
  url: string;
  username?: string;
  password?: string;
  /** PEM of the CA(s) to trust for an https URL; unset = the system CAs. */
  ca?: string;
}

interface SecurityValues {
  APP_ENV: string;
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string | undefined;
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
  KAFKA_SASL_PASSWORD_FILE?: string | undefined;
  SCHEMA_REGISTRY_URL: string;
  SCHEMA_REGISTRY_USERNAME?: string | undefined;
  SCHEMA_REGISTRY_PASSWORD?: string | undefined;
  SCHEMA_REGISTRY_PASSWORD_FILE?: string | undefined;
  SCHEMA_REGISTRY_CA_FILE?: string | undefined;
}

function readText(key: string, file: string, problems: string[]): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`${key}: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return undefined;
  }
}

/** A secret from its variable or from the file its `_FILE` variable names (a mounted Secret); one of the two. */
function secret(problems: string[], key: string, value: string | undefined, fileKey: string, file: string | undefined): string | undefined {
  if (value !== undefined && file !== undefined) {
    problems.push(`${key}: set either ${key} or ${fileKey}, not both`);
    return undefined;
  }
  if (file === undefined) return value;
  // A Secret mounted as a file usually ends with a newline that is not part of the password.
  return readText(fileKey, file, problems)?.replace(/\r?\n$/, '');
}

/**
 * Kafka TLS and SASL from the environment. Files are read here, at start: a missing CA or
 * password file stops the process with the others problems of the configuration.
 */
export function resolveKafkaSecurity(e: SecurityValues, problems: string[]): KafkaSecurity {
  let ssl: KafkaSecurity['ssl'] = false;
  if (e.KAFKA_SSL) {
    const ca = e.KAFKA_SSL_CA_FILE === undefined ? undefined : readText('KAFKA_SSL_CA_FILE', e.KAFKA_SSL_CA_FILE, problems);
    ssl = ca === undefined ? {} : { ca };
  } else if (e.KAFKA_SSL_CA_FILE !== undefined) {
    problems.push('KAFKA_SSL_CA_FILE: is set but KAFKA_SSL is not true (set KAFKA_SSL=true to use TLS)');
  }
  const password = secret(problems, 'KAFKA_SASL_PASSWORD', e.KAFKA_SASL_PASSWORD, 'KAFKA_SASL_PASSWORD_FILE', e.KAFKA_SASL_PASSWORD_FILE);
  if (!e.KAFKA_SASL_MECHANISM) {
    if (e.KAFKA_SASL_USERNAME !== undefined || password !== undefined) {
      problems.push('KAFKA_SASL_MECHANISM: is required when KAFKA_SASL_USERNAME or a password is set (plain, scram-sha-256 or scram-sha-512)');
    }
    return { ssl };
  }
  if (e.KAFKA_SASL_USERNAME === undefined) problems.push('KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM');
  if (password === undefined) problems.push('KAFKA_SASL_PASSWORD: is required with KAFKA_SASL_MECHANISM (or KAFKA_SASL_PASSWORD_FILE)');
  if (e.KAFKA_SASL_MECHANISM === 'plain' && !e.KAFKA_SSL && e.APP_ENV === 'production') {
    problems.push('KAFKA_SASL_MECHANISM: plain without KAFKA_SSL=true sends the password in clear text (refused in production)');
  }
  if (e.KAFKA_SASL_USERNAME === undefined || password === undefined) return { ssl };
  return { ssl, sasl: { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password } };
}

/**
 * The registry URL without user-info, and its credentials: SCHEMA_REGISTRY_USERNAME/PASSWORD, or
 * `https://user:password@host/…` in the URL (the variables win). The URL kept in the configuration
 * never holds a password, so it can be logged.
 */
export function resolveRegistryConnection(e: SecurityValues, problems: string[]): RegistryConnection {
  const url = new URL(e.SCHEMA_REGISTRY_URL);
  const fromUrl = { username: decodeURIComponent(url.username) || undefined, password: decodeURIComponent(url.password) || undefined };
  url.username = '';
  url.password = '';
  const username = e.SCHEMA_REGISTRY_USERNAME ?? fromUrl.username;
  const password = secret(problems, 'SCHEMA_REGISTRY_PASSWORD', e.SCHEMA_REGISTRY_PASSWORD, 'SCHEMA_REGISTRY_PASSWORD_FILE', e.SCHEMA_REGISTRY_PASSWORD_FILE) ?? fromUrl.password;
  if ((username === undefined) !== (password === undefined)) {
    problems.push('SCHEMA_REGISTRY_USERNAME: basic auth needs both a user name and a password (SCHEMA_REGISTRY_PASSWORD, _FILE, or user:password@ in the URL)');
  }
  let ca: string | undefined;
  if (e.SCHEMA_REGISTRY_CA_FILE !== undefined) {
    if (url.protocol !== 'https:') problems.push('SCHEMA_REGISTRY_CA_FILE: is set but SCHEMA_REGISTRY_URL is not https');
    ca = readText('SCHEMA_REGISTRY_CA_FILE', e.SCHEMA_REGISTRY_CA_FILE, problems);
  }
  if (password !== undefined && url.protocol === 'http:' && e.APP_ENV === 'production') {
    problems.push('SCHEMA_REGISTRY_URL: basic auth over http sends the password in clear text (refused in production); use https');
  }
  return {
    url: url.href.replace(/\/+$/, ''),
    ...(username !== undefined && password !== undefined ? { username, password } : {}),
    ...(ca === undefined ? {} : { ca }),
  };
}
