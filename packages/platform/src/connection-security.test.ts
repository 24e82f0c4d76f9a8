import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ConfigError, loadConfig, messagingEnv, platformEnv, toRuntimeConfig, type RuntimeConfig } from './config';

const schema = z.object({ ...platformEnv, ...messagingEnv });
const base = {
  DATABASE_URL: 'postgres://u@localhost:5432/db',
  KAFKA_BROKERS: 'kafka-1:9093',
  SCHEMA_REGISTRY_URL: 'https://registry.example.com/apis/ccompat/v7',
};

function runtime(env: Record<string, string>): RuntimeConfig {
  return toRuntimeConfig('svc', loadConfig(schema, { ...base, ...env }), { httpPort: 0, databaseSchema: 'svc' });
}

function problems(env: Record<string, string>): string[] {
  try {
    runtime(env);
    return [];
  } catch (error) {
    return error instanceof ConfigError ? error.problems : [`not a config error: ${String(error)}`];
  }
}

describe('Kafka security settings', () => {
  it('When nothing is set, then the clients use plain TCP without authentication', () => {
    expect(runtime({}).kafka.security).toEqual({ ssl: false });
  });

  it('When SCRAM is given in upper case with TLS, then the mechanism is normalised for kafkajs', () => {
    expect(runtime({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' }).kafka.security).toEqual({
      ssl: {},
      sasl: { mechanism: 'scram-sha-256', username: 'svc', password: 'pw' },
    });
  });

  it('When a mechanism comes without user or password, or credentials without a mechanism, then start-up names what is missing', () => {
    expect(problems({ KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toEqual([
      'KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_PASSWORD: is required with KAFKA_SASL_MECHANISM (or KAFKA_SASL_PASSWORD_FILE)',
    ]);
    expect(problems({ KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' })).toEqual([expect.stringMatching(/^KAFKA_SASL_MECHANISM: is required/)]);
  });

  it('When PLAIN would send the password in clear text, then production refuses it and other environments allow it', () => {
    const plain = { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' };
    expect(problems({ ...plain, APP_ENV: 'production' })).toEqual([expect.stringMatching(/plain without KAFKA_SSL=true sends the password in clear text/)]);
    expect(problems(plain)).toEqual([]);
  });

  it('When a password is given twice, a file is missing, or a CA comes without TLS, then every problem is listed at once', () => {
    const found = problems({
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'pw',
      KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka',
      KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
    });
    expect(found).toContain('KAFKA_SSL_CA_FILE: is set but KAFKA_SSL is not true (set KAFKA_SSL=true to use TLS)');
    expect(found).toContain('KAFKA_SASL_PASSWORD: set either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both');
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })).toEqual(['KAFKA_SSL_CA_FILE: /nonexistent/ca.pem cannot be read (ENOENT)']);
  });

  it('When an unknown mechanism is named, then start-up refuses it', () => {
    expect(() => runtime({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });
});

describe('Schema registry credentials', () => {
  it('When user-info is in the URL, then it becomes basic auth and the URL kept for logs holds no password', () => {
    const config = runtime({ SCHEMA_REGISTRY_URL: 'https://svc:p%40ss@registry.example.com/apis/ccompat/v7/' });
    expect(config.schemaRegistryUrl).toBe('https://registry.example.com/apis/ccompat/v7');
    expect(config.schemaRegistry).toEqual({ url: 'https://registry.example.com/apis/ccompat/v7', username: 'svc', password: 'p@ss' });
  });

  it('When the variables are set too, then they win over the URL', () => {
    const config = runtime({ SCHEMA_REGISTRY_URL: 'https://old:old@registry.example.com/x', SCHEMA_REGISTRY_USERNAME: 'new', SCHEMA_REGISTRY_PASSWORD: 'new-pw' });
    expect(config.schemaRegistry).toMatchObject({ username: 'new', password: 'new-pw' });
  });

  it('When only half of the credentials is given, or a CA is given for plain http, then start-up names the problem', () => {
    expect(problems({ SCHEMA_REGISTRY_USERNAME: 'svc' })).toEqual([expect.stringMatching(/^SCHEMA_REGISTRY_USERNAME: basic auth needs both/)]);
    expect(problems({ SCHEMA_REGISTRY_URL: 'http://registry:8080/apis/ccompat/v7', SCHEMA_REGISTRY_CA_FILE: '/nonexistent/ca.pem' })).toContain(
      'SCHEMA_REGISTRY_CA_FILE: is set but SCHEMA_REGISTRY_URL is not https',
    );
  });

  it('When production would send registry credentials over plain http, then it is refused', () => {
    const http = { SCHEMA_REGISTRY_URL: 'http://registry:8080/apis/ccompat/v7', SCHEMA_REGISTRY_USERNAME: 'svc', SCHEMA_REGISTRY_PASSWORD: 'pw' };
    expect(problems({ ...http, APP_ENV: 'production' })).toEqual([expect.stringMatching(/basic auth over http sends the password in clear text/)]);
    expect(problems(http)).toEqual([]);
  });
});
