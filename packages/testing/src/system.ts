import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startBalancer, type Balancer } from './balancer';
import { serviceDatabase } from './database';
import { stackEnv } from './stack-env';
import { uniqueName } from './names';
import { waitFor } from './wait-for';

export const SERVICE_NAMES = ['auction-ingest', 'catalog', 'ordering', 'billing', 'notifier'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** One service process of a running system: a replica that can be killed, stopped and started again. */
export interface ServiceProcess {
  name: ServiceName;
  /** 0 for the first replica, 1 for the second… */
  replica: number;
  url: string;
  port: number;
  env: Record<string, string>;
  /** What it printed (JSON log lines), across restarts. */
  output: string[];
  pid(): number | undefined;
  /** The current child process (undefined before the first start). */
  child(): ChildProcess | undefined;
  running(): boolean;
  /** Started and answered /health/ready since, and not stopped or killed: what a Service would route to. */
  ready(): boolean;
  /** Sends `signal` (default SIGKILL: a crash) and resolves when the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Graceful stop: SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
  /** Starts it (again) with the same port and environment, and waits until /health/ready answers 200 (unless `waitUntilReady` is false). */
  start(options?: { timeoutMs?: number; waitUntilReady?: boolean }): Promise<void>;
}

export interface RunningSystem {
  /**
   * Address of each service, as its callers use it: a balancer in front of its running replicas,
   * like a Kubernetes Service (each replica's own address is in `processes`). A replica that does
   * not accept connections yet (starting, or gone) is skipped for the next one.
   */
  urls: Record<ServiceName, string>;
  /** The environment each service got (schemas, prefix, token…). */
  env: Record<ServiceName, Record<string, string>>;
  /** What each service's first replica printed (JSON log lines), for assertions. */
  output: Record<ServiceName, string[]>;
  /** Every replica of every service. */
  processes: Record<ServiceName, ServiceProcess[]>;
  /** Starts one more replica of a service (same schema and prefix, its own port) and waits until it is ready. */
  addReplica(name: ServiceName, env?: Record<string, string>): Promise<ServiceProcess>;
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

export function freePort(): Promise<number> {
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
 * `${port:SERVICE}` by the port of that service's address in this run.
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

/** Starts `services/<name>/dist/main.js` with `env` (nothing else of this process's environment but PATH). */
export function serviceProcess(name: ServiceName, replica: number, env: Record<string, string>): ServiceProcess {
  const port = Number(env.HTTP_PORT);
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  let child: ChildProcess | undefined;
  let ready = false;

  function spawnChild(): ChildProcess {
    const c = spawn(process.execPath, ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning', join(repoRoot, 'services', name, 'dist', 'main.js')], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Whole lines only: a JSON log line may arrive in two chunks.
    for (const stream of [c.stdout, c.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8').on('data', (d: string) => {
        const parts = `${partial}${d}`.split('\n');
        partial = parts.pop() ?? '';
        output.push(...parts.filter(Boolean));
      });
      stream?.on('end', () => partial && output.push(partial));
    }
    return c;
  }

  function gone(c: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
    });
  }

  const proc: ServiceProcess = {
    name,
    replica,
    url,
    port,
    env,
    output,
    pid: () => (proc.running() ? child?.pid : undefined),
    child: () => child,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    ready: () => ready && proc.running(),
    async kill(signal = 'SIGKILL') {
      const c = child;
      if (!c || !proc.running()) return;
      ready = false;
      c.kill(signal);
      await gone(c);
    },
    async stop() {
      const c = child;
      if (!c || !proc.running()) return;
      ready = false;
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
      timer.unref();
      await gone(c);
      clearTimeout(timer);
    },
    async start(options = {}) {
      if (proc.running()) return;
      const c = spawnChild();
      child = c;
      if (options.waitUntilReady === false) return;
      const outcome = await waitFor(
        async () => {
          if (c.exitCode !== null || c.signalCode !== null) return 'exited';
          const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
          return response?.status === 200 ? 'ready' : undefined;
        },
        { timeoutMs: options.timeoutMs ?? 90_000, intervalMs: 200, description: `${name} (replica ${replica}) to be ready` },
      );
      if (outcome === 'exited') throw new Error(`${name} exited during start-up:\n${output.slice(-10).join('\n')}`);
      ready = true;
    },
  };
  return proc;
}

/**
 * Starts the built services (`services/<name>/dist/main.js`, so run `tsc -b` first — `npm test`
 * does) as separate processes on the shared stack, isolated from everything else: their own
 * Postgres schemas, their own topic prefix, free ports, fresh secrets. Resolves when every one
 * answers /health/ready. More replicas of a service can be added, and any process killed and
 * started again (the fault tests do).
 */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const stack = stackEnv();
  const run = uniqueName('sys');
  const names = options.services ?? [...SERVICE_NAMES];
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()]))) as Record<ServiceName, number>;
  const processes = {} as Record<ServiceName, ServiceProcess[]>;
  const balancers = Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await startBalancer(() => (processes[n] ?? []).filter((p) => p.running()).map((p) => p.port))])),
  ) as Record<ServiceName, Balancer>;
  const urls = Object.fromEntries(names.map((n) => [n, balancers[n].url])) as Record<ServiceName, string>;
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
  for (const name of names) {
    const schema = `${run}_${name.replace(/-/g, '_')}`;
    env[name] = {
      ...localEnv(name, secrets, Object.fromEntries(names.map((n) => [n, Number(new URL(urls[n]).port)]))),
      ...shared,
      HTTP_PORT: String(ports[name]),
      // Each service as its own role, owner of its schema only, as deployed — unless the test names
      // another connection for it (a TLS-only role, a proxy in front of Postgres).
      DATABASE_URL: options.perService?.[name]?.DATABASE_URL ?? (await serviceDatabase(stack.DATABASE_URL, name, schema)).url,
      DATABASE_SCHEMA: schema,
      ...(options.perService?.[name] ?? {}),
    };
    const first = serviceProcess(name, 0, env[name]);
    output[name] = first.output;
    processes[name] = [first];
  }
  const all = () => Object.values(processes).flat();
  const stop = async () => {
    await Promise.all(all().map((p) => p.stop()));
    await Promise.all(Object.values(balancers).map((b) => b.close()));
  };
  try {
    // One after the other, in dependency order: each migrates its schema and creates its topics.
    for (const name of names) await (processes[name][0] as ServiceProcess).start({ waitUntilReady: options.waitUntilReady !== false });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls,
    env,
    output,
    processes,
    async addReplica(name, extra = {}) {
      const list = processes[name];
      const proc = serviceProcess(name, list.length, { ...env[name], ...extra, HTTP_PORT: String(await freePort()) });
      list.push(proc);
      await proc.start();
      return proc;
    },
    stop,
  };
}
