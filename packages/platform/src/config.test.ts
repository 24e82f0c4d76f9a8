import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ConfigError, describeEnv, flag, list, loadConfig, messagingEnv, platformEnv, port, toRuntimeConfig } from './config';

const schema = z.object({ ...platformEnv, ...messagingEnv, HTTP_PORT: port().default(8080).describe('port') });
const valid = {
  DATABASE_URL: 'postgres://u@localhost:5432/db',
  KAFKA_BROKERS: 'a:9092, b:9092',
  SCHEMA_REGISTRY_URL: 'http://localhost:8081/apis/ccompat/v7',
};

describe('loadConfig', () => {
  it('When every required key is set, then defaults fill the rest and values are typed', () => {
    const config = loadConfig(schema, valid);
    expect(config.HTTP_PORT).toBe(8080);
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9092']);
    expect(config.MIGRATE_ON_START).toBe(true);
    expect(config.APP_ENV).toBe('local');
  });

  it('When several keys are missing or malformed, then one error names every one of them', () => {
    let error: unknown;
    try {
      loadConfig(schema, { HTTP_PORT: 'eighty', KAFKA_BROKERS: 'a:1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/HTTP_PORT/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/SCHEMA_REGISTRY_URL/);
  });

  it('When a value is an empty string, then it counts as unset and the default applies', () => {
    expect(loadConfig(schema, { ...valid, LOG_LEVEL: '' }).LOG_LEVEL).toBe('info');
  });

  it('When flags and lists are written loosely, then they parse', () => {
    expect(loadConfig(z.object({ F: flag() }), { F: 'yes' }).F).toBe(true);
    expect(loadConfig(z.object({ F: flag() }), { F: '0' }).F).toBe(false);
    expect(loadConfig(z.object({ L: list() }), { L: ' x, ,y ' }).L).toEqual(['x', 'y']);
  });

  it('When the shared settings are arranged, then the OTLP base endpoint gets /v1/traces and partitions stay unset', () => {
    const runtime = toRuntimeConfig('svc', loadConfig(schema, { ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }), {
      httpPort: 1234,
      databaseSchema: 'svc',
    });
    expect(runtime.telemetry.tracesEndpoint).toBe('http://collector:4318/v1/traces');
    expect(runtime.kafka.partitions).toBeUndefined();
    expect(runtime.kafka.clientId).toBe('svc');
    expect(runtime.http).toEqual({ host: '0.0.0.0', port: 1234, trustedProxies: [] });
  });

  it('When OTEL_TRACES_SAMPLER is unset, then traces are parent-based and always on; a ratio sampler takes its share from OTEL_TRACES_SAMPLER_ARG', () => {
    const runtime = (env: Record<string, string>) => toRuntimeConfig('svc', loadConfig(schema, { ...valid, ...env }), { httpPort: 1, databaseSchema: 's' }).telemetry.sampling;
    expect(runtime({})).toEqual({ sampler: 'parentbased_always_on', ratio: 1 });
    expect(runtime({ OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toEqual({ sampler: 'parentbased_traceidratio', ratio: 0.25 });
    expect(runtime({ OTEL_TRACES_SAMPLER: 'traceidratio' })).toEqual({ sampler: 'traceidratio', ratio: 1 });
    expect(runtime({ OTEL_TRACES_SAMPLER: 'always_off' })).toEqual({ sampler: 'always_off', ratio: 1 });
  });

  it('When OTEL_TRACES_SAMPLER names a sampler this platform lacks or the ratio is outside 0..1, then the start stops naming the key', () => {
    expect(() => loadConfig(schema, { ...valid, OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow(/OTEL_TRACES_SAMPLER/);
    expect(() => loadConfig(schema, { ...valid, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => loadConfig(schema, { ...valid, OTEL_TRACES_SAMPLER_ARG: 'half' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });

  it('When TRUSTED_PROXIES is unset, then nobody is trusted; addresses and ranges parse; anything else stops the start', () => {
    expect(toRuntimeConfig('svc', loadConfig(schema, valid), { httpPort: 1, databaseSchema: 's' }).http.trustedProxies).toEqual([]);
    expect(loadConfig(schema, { ...valid, TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,fd00::/8,loopback' }).TRUSTED_PROXIES).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['1', '10.0.0.0/33', 'ingress.local', '10.0.0.0/8/1', '::1/129']) {
      expect(() => loadConfig(schema, { ...valid, TRUSTED_PROXIES: bad })).toThrow(/TRUSTED_PROXIES/);
    }
  });

  it('When OUTBOX_RELAY_LINGER_MS is unset, then the relay lingers 20 ms; 0 turns it off; a negative value or more than a second stops the start', () => {
    const own = { httpPort: 1, databaseSchema: 's' };
    expect(toRuntimeConfig('svc', loadConfig(schema, valid), own).kafka.relayLingerMs).toBe(20);
    expect(toRuntimeConfig('svc', loadConfig(schema, { ...valid, OUTBOX_RELAY_LINGER_MS: '0' }), own).kafka.relayLingerMs).toBe(0);
    for (const bad of ['-1', '1001', 'soon']) {
      expect(() => loadConfig(schema, { ...valid, OUTBOX_RELAY_LINGER_MS: bad })).toThrow(/OUTBOX_RELAY_LINGER_MS/);
    }
  });

  it('When the env schema is described, then every key has a description', () => {
    const rows = describeEnv(schema.shape);
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect(row.description.length).toBeGreaterThan(0);
    expect(rows.find((r) => r.key === 'HTTP_PORT')?.default).toBe(8080);
  });
});
