import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stackEnv } from './stack-env';
import { uniqueName } from './names';
import { waitFor } from './wait-for';

export const SERVICE_NAMES = ['auction-ingest', 'catalog', 'ordering', 'billing', 'notifier'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface RunningSystem {
  /** Base URL of each service. */
  urls: Record<ServiceName, string>;
  /** The environment each service got (schemas, prefix, token…). */
  env: Record<ServiceName, Record<string, string>>;
  /** What each service printed (JSON log lines), for assertions. */
  output: Record<ServiceName, string[]>;
  /** Each service's process (its pid proves a service was not restarted). */
  processes: Record<ServiceName, ChildProcess>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  /** Extra environment for every service (e.g. OTEL_EXPORTER_OTLP_ENDPOINT). */
  env?: Record<string, string>;
  /** Extra environment per service. */
  perService?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Services to start (default: all five, in dependency order). */
  services?: ServiceName[];
  /** Wait until every service answers /health/ready (default true; false: return once spawned). */
  waitUntilReady?: boolean;
}

const repoRoot = (() => {
  for (let dir = __dirname; ; dir = join(dir, '..')) {
    if (existsSync(join(dir, 'services')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dir === '/') throw new Error('repository root not found');
  }
})();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * services/<name>/local.env, with each `${secret:NAME}` replaced by a fresh random value for this
 * run (the same NAME gets the same value in every service, as `npm run up` does) and each
 * `${port:SERVICE}` by the free port this run gave that service.
 */
function localEnv(name: ServiceName, secrets: Map<string, string>, ports: Partial<Record<ServiceName, number>>): Record<string, string> {
  const file = join(repoRoot, 'services', name, 'local.env');
  const env: Record<string, string> = {};
  if (!existsSync(file)) return env;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!m) continue;
    env[m[1] as string] = (m[2] as string)
      .replace(/\$\{secret:([A-Z0-9_]+)\}/g, (_, n: string) => {
        if (!secrets.has(n)) secrets.set(n, randomBytes(32).toString('base64url'));
        return secrets.get(n) as string;
      })
      // A service this run does not start gets port 9 (discard): calls to it fail at once.
      .replace(/\$\{port:([a-z-]+)\}/g, (_, n: string) => String(ports[n as ServiceName] ?? 9));
  }
  return env;
}

/**
 * Starts the built services (`services/<name>/dist/main.js`, so run `tsc -b` first — `npm test`
 * does) as separate processes on the shared stack, isolated from everything else: their own
 * Postgres schemas, their own topic prefix, free ports, fresh secrets. Resolves when every one
 * answers /health/ready.
 */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const stack = stackEnv();
  const run = uniqueName('sys');
  const names = options.services ?? [...SERVICE_NAMES];
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()]))) as Record<ServiceName, number>;
  const urls = Object.fromEntries(names.map((n) => [n, `http://127.0.0.1:${ports[n]}`])) as Record<ServiceName, string>;
  const secrets = new Map<string, string>();
  const shared: Record<string, string> = {
    ...(stack as unknown as Record<string, string>),
    APP_ENV: 'test',
    LOG_LEVEL: 'info',
    KAFKA_TOPIC_PREFIX: `${run}.`,
    ...(urls.catalog ? { CATALOG_URL: urls.catalog } : {}),
    ...(urls.billing ? { BILLING_URL: urls.billing } : {}),
    ...(urls.notifier ? { NOTIFIER_URL: urls.notifier } : {}),
    ...(options.env ?? {}),
  };
  const env = {} as Record<ServiceName, Record<string, string>>;
  const output = {} as Record<ServiceName, string[]>;
  const processes = {} as Record<ServiceName, ChildProcess>;
  const children: ChildProcess[] = [];
  for (const name of names) {
    env[name] = {
      ...localEnv(name, secrets, ports),
      ...shared,
      HTTP_PORT: String(ports[name]),
      DATABASE_SCHEMA: `${run}_${name.replace(/-/g, '_')}`,
      ...(options.perService?.[name] ?? {}),
    };
    output[name] = [];
    const child = spawn(process.execPath, ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning', join(repoRoot, 'services', name, 'dist', 'main.js')], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env[name] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = output[name];
    // Whole lines only: a JSON log line may arrive in two chunks.
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8').on('data', (d: string) => {
        const parts = `${partial}${d}`.split('\n');
        partial = parts.pop() ?? '';
        lines.push(...parts.filter(Boolean));
      });
      stream?.on('end', () => partial && lines.push(partial));
    }
    children.push(child);
    processes[name] = child;
  }
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
  };
  try {
    for (const name of options.waitUntilReady === false ? [] : names) {
      const child = children[names.indexOf(name)] as ChildProcess;
      const outcome = await waitFor(
        async () => {
          if (child.exitCode !== null) return 'exited';
          const response = await fetch(`${urls[name]}/health/ready`).catch(() => undefined);
          return response?.status === 200 ? 'ready' : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 200, description: `${name} to be ready` },
      );
      if (outcome === 'exited') throw new Error(`${name} exited during start-up:\n${output[name].slice(-10).join('\n')}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, env, output, processes, stop };
}
