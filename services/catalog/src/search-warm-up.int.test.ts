import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { dropSchema, freePort, serviceDatabase, serviceProcess, stackEnv, uniqueName, uniqueTopicPrefix, waitFor, type ServiceProcess } from '@marketbill/testing';

// The catalog's warm-up before ready (SEARCH_WARM_UP_REQUESTS; services/catalog/README.md), on the
// built service as a real process: what it logs, what readiness says meanwhile, who gets in.
const env = stackEnv();
const TOKEN = 'catalog-warm-up-test-token-0123';
const schema = uniqueName('catalog_warm');
const prefix = uniqueTopicPrefix();
const started: ServiceProcess[] = [];

type LogLine = { msg?: string; [field: string]: unknown };
const logLines = (p: ServiceProcess): LogLine[] =>
  p.output.flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });

async function catalog(warmUpRequests: number): Promise<ServiceProcess> {
  const database = await serviceDatabase(env.DATABASE_URL, 'catalog', schema);
  const p = serviceProcess('catalog', 0, {
    DATABASE_URL: database.url,
    KAFKA_BROKERS: env.KAFKA_BROKERS,
    SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL,
    DATABASE_SCHEMA: schema,
    MIGRATE_ON_START: 'true',
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '1',
    HTTP_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    INTERNAL_API_CALLERS: `ordering=${TOKEN}`,
    SEARCH_WARM_UP_REQUESTS: String(warmUpRequests),
  });
  started.push(p);
  return p;
}

const search = (p: ServiceProcess, token: string) => fetch(`${p.url}/internal/v1/varieties?q=${encodeURIComponent('장미')}&size=5`, { headers: { authorization: `Bearer ${token}` } });

afterAll(async () => {
  for (const p of started) await p.stop();
  await dropSchema(env.DATABASE_URL, schema);
}, 60_000);

describe('catalog warm-up before ready', () => {
  it('searches itself, then reports ready; its own requests stay out of the access log and open nothing after', async () => {
    const p = await catalog(300);
    await p.start({ timeoutMs: 90_000 });
    const lines = logLines(p);
    const warmed = lines.findIndex((l) => l.msg === 'warmed up');
    expect(lines[warmed]).toMatchObject({ requests: 300, failed: 0 });
    expect(warmed).toBeLessThan(lines.findIndex((l) => l.msg === 'service started'));
    expect(lines.filter((l) => l.msg === 'request completed')).toEqual([]);

    // Ready: real callers are served and logged; no other bearer gets in.
    expect((await search(p, TOKEN)).status).toBe(200);
    const stranger = await search(p, randomBytes(32).toString('base64url'));
    expect(stranger.status).toBe(401);
    expect(((await stranger.json()) as { code: string }).code).toBe('invalid-token');
    const logged = await waitFor(() => {
      const done = logLines(p).filter((l) => l.msg === 'request completed');
      return done.length >= 2 ? done : undefined;
    });
    expect(logged.map((l) => l.status)).toEqual([200, 401]);
    await p.stop();
  }, 120_000);

  it('is not ready while it warms up, turns callers away meanwhile, and a stop then ends it cleanly', async () => {
    const p = await catalog(20_000);
    await p.start({ waitUntilReady: false });
    const readiness = await waitFor(
      async () => {
        const response = await fetch(`${p.url}/health/ready`);
        const text = await response.text();
        return response.status === 503 && text.includes('warm-up') ? text : undefined;
      },
      { timeoutMs: 60_000, description: 'readiness to say it waits for warm-up' },
    );
    expect(readiness).toContain('waiting for warm-up');
    const early = await search(p, TOKEN);
    expect(early.status).toBe(503);
    expect(((await early.json()) as { code: string }).code).toBe('service-starting');

    await p.stop();
    expect(p.child()?.exitCode).toBe(0);
    const messages = logLines(p).map((l) => l.msg);
    expect(messages).toContain('warm-up stopped: shutting down');
    expect(messages).toContain('start abandoned: shutting down');
    expect(messages).not.toContain('service started');
  }, 120_000);
});
