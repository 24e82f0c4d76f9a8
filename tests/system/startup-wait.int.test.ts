import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createTcpGate, query, stackEnv, startSystem, uniqueName, waitFor, type RunningSystem, type TcpGate } from '@marketbill/testing';

// Services started before their dependencies — a fresh cluster — must wait for them, not exit:
// the process stays, /health/live answers, /health/ready says what it waits for, and the service
// becomes ready by itself once the dependency comes up. Each dependency sits behind a TCP gate
// that refuses connections until the test opens it, in front of the stack's real server.
jest.setTimeout(240_000);

const stack = stackEnv();
const repoRoot = join(__dirname, '..', '..');
let system: RunningSystem | undefined;
const gates: TcpGate[] = [];

afterEach(async () => {
  await system?.stop();
  system = undefined;
  for (const gate of gates.splice(0)) await gate.close();
});

async function gate(address: string): Promise<TcpGate> {
  const g = await createTcpGate(address);
  gates.push(g);
  return g;
}

interface LogLine {
  msg?: string;
  dependency?: string;
  attempt?: number;
  reason?: string;
  level?: number | string;
}

function logLines(lines: string[]): LogLine[] {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

async function readiness(base: string): Promise<{ status: number; body: { checks?: Record<string, string> } }> {
  const response = await fetch(`${base}/health/ready`);
  return { status: response.status, body: (await response.json()) as { checks?: Record<string, string> } };
}

/** Readiness names the dependency and why its last attempt failed (so one attempt was made). */
async function waitingFor(base: string, dependency: string): Promise<void> {
  await waitFor(async () => (await readiness(base)).body.checks?.startup?.startsWith(`waiting for ${dependency}: `), {
    timeoutMs: 60_000,
    description: `readiness to say it waits for ${dependency}`,
  });
}

describe('Start-up: services wait for their dependencies', () => {
  it('When Postgres, Kafka, the registry and S3 come up one after another, then billing waits for each, stays live, and becomes ready without a restart', async () => {
    const postgres = await gate(stack.DATABASE_URL);
    const kafka = await gate(stack.KAFKA_BROKERS.split(',')[0] as string);
    const registry = await gate(stack.SCHEMA_REGISTRY_URL);
    const s3 = await gate(stack.S3_ENDPOINT);
    system = await startSystem({
      services: ['billing'],
      waitUntilReady: false,
      perService: {
        billing: {
          DATABASE_URL: postgres.through(stack.DATABASE_URL),
          KAFKA_BROKERS: kafka.through(stack.KAFKA_BROKERS.split(',')[0] as string),
          SCHEMA_REGISTRY_URL: registry.through(stack.SCHEMA_REGISTRY_URL),
          S3_ENDPOINT: s3.through(stack.S3_ENDPOINT),
          S3_BUCKET: uniqueName('wait').replace(/_/g, '-').toLowerCase(),
          STARTUP_RETRY_MAX_DELAY_MS: '1000',
        },
      },
    });
    const base = system.urls.billing;
    const child = system.processes.billing[0]?.child() as ChildProcess;
    const output = system.output.billing;

    await waitFor(async () => (await fetch(`${base}/health/live`).catch(() => undefined))?.status === 200, { timeoutMs: 60_000, description: 'liveness while Postgres is down' });
    const notReady = await readiness(base);
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks?.startup).toMatch(/^waiting for postgres: .*ECONNREFUSED/);
    const gated = await fetch(`${base}/internal/v1/statements/00000000-0000-0000-0000-000000000000`);
    expect(gated.status).toBe(503);
    expect(gated.headers.get('retry-after')).toBe('5');
    expect(await gated.json()).toMatchObject({ code: 'service-starting' });
    await waitFor(() => logLines(output).some((l) => l.msg === 'waiting for a dependency' && l.dependency === 'postgres' && (l.attempt ?? 0) >= 3), {
      timeoutMs: 30_000,
      description: 'three logged attempts to reach Postgres',
    });

    await postgres.open();
    await waitingFor(base, 'kafka');
    await kafka.open();
    await waitingFor(base, 'schema-registry');
    await registry.open();
    await waitingFor(base, 's3');
    await s3.open();
    await waitFor(async () => (await readiness(base)).status === 200, { timeoutMs: 90_000, description: 'billing ready' });

    expect(child.exitCode).toBeNull();
    const lines = logLines(output);
    for (const dependency of ['postgres', 'kafka', 'schema-registry', 's3']) {
      expect(lines.some((l) => l.msg === 'waiting for a dependency' && l.dependency === dependency)).toBe(true);
      expect(lines.some((l) => l.msg === 'dependency ready' && l.dependency === dependency)).toBe(true);
    }
    expect(lines.some((l) => l.msg === 'statement bucket created')).toBe(true);
    expect(lines.filter((l) => l.msg === 'service started')).toHaveLength(1);
  });

  it('When the registry answers its ping but fails registrations (warming up), then billing waits for topics and schemas instead of exiting', async () => {
    // An HTTP proxy in front of the stack's registry: everything passes, but registering a schema
    // version answers 503 until the test lets it through — a registry that is up but not serving yet.
    const upstream = new URL(stack.SCHEMA_REGISTRY_URL);
    let failRegistrations = true;
    let refused = 0;
    const proxy: Server = createServer((req, res) => {
      if (failRegistrations && req.method === 'POST' && /\/subjects\/[^/]+\/versions$/.test(req.url ?? '')) {
        refused++;
        res.writeHead(503, { 'content-type': 'text/plain' }).end('warming up');
        return;
      }
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxied = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${upstream.pathname}`;
      system = await startSystem({
        services: ['billing'],
        waitUntilReady: false,
        perService: { billing: { SCHEMA_REGISTRY_URL: proxied, S3_BUCKET: uniqueName('warm').replace(/_/g, '-').toLowerCase(), STARTUP_RETRY_MAX_DELAY_MS: '1000' } },
      });
      const base = system.urls.billing;
      await waitFor(async () => (await readiness(base).catch(() => undefined))?.body.checks?.startup?.startsWith('waiting for topics-and-schemas: '), {
        timeoutMs: 90_000,
        description: 'readiness to say it waits for topics and schemas',
      });
      await waitFor(() => logLines(system?.output.billing ?? []).filter((l) => l.msg === 'waiting for a dependency' && l.dependency === 'topics-and-schemas').length >= 2, {
        timeoutMs: 30_000,
        description: 'two logged attempts to register',
      });
      expect(refused).toBeGreaterThanOrEqual(2);
      expect(system.processes.billing[0]?.running()).toBe(true);

      failRegistrations = false;
      await waitFor(async () => (await readiness(base)).status === 200, { timeoutMs: 60_000, description: 'billing ready once registrations pass' });
      expect(system.processes.billing[0]?.running()).toBe(true);
      const lines = logLines(system.output.billing);
      expect(lines.some((l) => l.msg === 'dependency ready' && l.dependency === 'topics-and-schemas')).toBe(true);
      expect(lines.filter((l) => l.msg === 'service started')).toHaveLength(1);
    } finally {
      await system?.stop();
      system = undefined;
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('When the statement bucket is missing and billing may not create it, then billing stays unready saying so, and becomes ready once the bucket exists', async () => {
    const bucket = uniqueName('missing').replace(/_/g, '-').toLowerCase();
    system = await startSystem({
      services: ['billing'],
      waitUntilReady: false,
      perService: { billing: { S3_BUCKET: bucket, S3_CREATE_BUCKET: 'false', STARTUP_RETRY_MAX_DELAY_MS: '1000' } },
    });
    const base = system.urls.billing;
    await waitFor(async () => (await readiness(base).catch(() => undefined))?.body.checks?.startup?.includes(`The statement bucket ${bucket} does not exist`), {
      timeoutMs: 90_000,
      description: 'readiness to name the missing bucket',
    });
    const refused = logLines(system.output.billing).find((l) => l.msg === 'a dependency refuses us');
    expect(refused).toMatchObject({ dependency: 's3', reason: expect.stringContaining('S3_CREATE_BUCKET=true') });

    const s3 = new S3Client({
      endpoint: stack.S3_ENDPOINT,
      region: stack.S3_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: stack.S3_ACCESS_KEY_ID, secretAccessKey: stack.S3_SECRET_ACCESS_KEY },
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await waitFor(async () => (await readiness(base)).status === 200, { timeoutMs: 30_000, description: 'billing ready once the bucket exists' });
    expect(system.processes.billing[0]?.running()).toBe(true);
  });

  it('When S3 answers 403 to the bucket check, then billing starts anyway and says it could not check', async () => {
    system = await startSystem({
      services: ['billing'],
      perService: { billing: { S3_SECRET_ACCESS_KEY: 'not-the-secret-of-this-s3', S3_BUCKET: uniqueName('denied').replace(/_/g, '-').toLowerCase() } },
    });
    expect((await readiness(system.urls.billing)).status).toBe(200);
    expect(logLines(system.output.billing).some((l) => l.msg === 'statement bucket not checkable (HeadBucket 403): assuming it exists; uploads will tell')).toBe(true);
  });
});

describe('Start-up: the migrate command (the Kubernetes init container)', () => {
  it('When Postgres is not up yet, then migrate waits, logging each attempt, and applies the migrations once it is', async () => {
    const postgres = await gate(stack.DATABASE_URL);
    const schema = uniqueName('migwait');
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(repoRoot, 'services', 'catalog', 'dist', 'main.js'), 'migrate'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        ...(stack as unknown as Record<string, string>),
        DATABASE_URL: postgres.through(stack.DATABASE_URL),
        DATABASE_SCHEMA: schema,
        INTERNAL_API_CALLERS: 'ordering=a-token-of-at-least-16-chars',
        STARTUP_RETRY_MAX_DELAY_MS: '500',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream.setEncoding('utf8').on('data', (d: string) => {
        const parts = `${partial}${d}`.split('\n');
        partial = parts.pop() ?? '';
        output.push(...parts.filter(Boolean));
      });
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => logLines(output).filter((l) => l.msg === 'waiting for a dependency' && l.dependency === 'postgres').length >= 3, {
        timeoutMs: 60_000,
        description: 'three logged attempts of migrate',
      });
      expect(child.exitCode).toBeNull();
      await postgres.open();
      expect(await exited).toBe(0);
      const rows = await query<{ n: string }>(stack.DATABASE_URL, `select count(*) as n from "${schema}".mikro_orm_migrations`);
      expect(Number(rows[0]?.n)).toBeGreaterThan(0);
      expect(logLines(output).some((l) => l.msg === 'dependency ready' && l.dependency === 'postgres')).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await query(stack.DATABASE_URL, `drop schema if exists "${schema}" cascade`);
    }
  });

  it('When a service is stopped while it waits, then it exits at once and cleanly', async () => {
    const postgres = await gate(stack.DATABASE_URL);
    system = await startSystem({ services: ['catalog'], waitUntilReady: false, perService: { catalog: { DATABASE_URL: postgres.through(stack.DATABASE_URL) } } });
    const child = system.processes.catalog[0]?.child() as ChildProcess;
    await waitFor(() => logLines(system?.output.catalog ?? []).some((l) => l.msg === 'waiting for a dependency'), { timeoutMs: 60_000, description: 'catalog waiting' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(logLines(system.output.catalog).some((l) => l.msg === 'start abandoned: shutting down')).toBe(true);
  });
});
