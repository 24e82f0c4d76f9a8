// The five services as local processes, for `npm run up` / `npm run down` / `npm run status`.
// Each service's local settings live in services/<name>/local.env (no secrets there: a value
// written `${secret:NAME}` is generated once, kept in .stack/secrets.json, and shared by every
// service that names it). Logs go to .stack/logs/svc-<name>.log, pids to .stack/pids/svc-<name>.pid.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { logPath, repoRoot, stackDir } from './stack/paths.ts';
import { isOurs, readPid, removePid, startDetached, tailLog, terminate } from './stack/process.ts';

/** In start order: producers of the events others consume come first. */
export const serviceNames = ['auction-ingest', 'catalog', 'ordering', 'billing', 'notifier'] as const;
export type ServiceName = (typeof serviceNames)[number];

const secretsFile = path.join(stackDir, 'secrets.json');

function secrets(): Record<string, string> {
  try {
    return JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

function secret(name: string): string {
  const all = secrets();
  if (!all[name]) {
    all[name] = randomBytes(32).toString('base64url');
    fs.mkdirSync(stackDir, { recursive: true });
    fs.writeFileSync(secretsFile, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  }
  return all[name] as string;
}

/**
 * The local port of each service: MB_SERVICE_PORT_BASE (default 8080) plus its place in this list,
 * so two checkouts on one machine run side by side with different bases.
 */
const portOrder: ServiceName[] = ['ordering', 'catalog', 'billing', 'notifier', 'auction-ingest'];

function servicePortOf(name: string): number {
  const raw = process.env.MB_SERVICE_PORT_BASE;
  const base = raw === undefined || raw === '' ? 8080 : Number(raw);
  if (!Number.isInteger(base) || base < 1 || base > 65530) throw new Error(`MB_SERVICE_PORT_BASE=${raw} is not a port number`);
  const index = portOrder.indexOf(name as ServiceName);
  if (index < 0) throw new Error(`local.env names \${port:${name}}, but there is no service ${name}`);
  return base + index;
}

/** services/<name>/local.env with `${secret:NAME}` and `${port:SERVICE}` resolved. */
export function localEnv(name: ServiceName): Record<string, string> {
  const file = path.join(repoRoot, 'services', name, 'local.env');
  const env: Record<string, string> = {};
  if (!fs.existsSync(file)) return env;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!m) continue;
    env[m[1] as string] = (m[2] as string)
      .replace(/\$\{secret:([A-Z0-9_]+)\}/g, (_, n: string) => secret(n))
      .replace(/\$\{port:([a-z-]+)\}/g, (_, n: string) => String(servicePortOf(n)));
  }
  return env;
}

/** A service's Postgres role: its name in snake_case, which is also its schema's name. */
export function serviceRole(name: ServiceName): string {
  return name.replace(/-/g, '_');
}

/**
 * The DATABASE_URL a service runs with: the stack's server and database, as the service's own role
 * (its password generated once into .stack/secrets.json), never the administrator.
 */
export function serviceDatabaseUrl(name: ServiceName, adminUrl: string): string {
  const url = new URL(adminUrl);
  url.username = serviceRole(name);
  url.password = secret(`${serviceRole(name).toUpperCase()}_DATABASE_PASSWORD`);
  return url.href;
}

/**
 * Creates (or brings up to date) each service's role and its schema on the stack's Postgres, with
 * the administrator's connection: the role owns its schema and nothing else. A schema an older stack
 * made as the administrator is handed over with everything in it (see provisionServiceRole). Uses
 * the built platform package, so run it after `tsc -b`.
 */
export async function provisionServiceRoles(adminUrl: string, log: (m: string) => void): Promise<void> {
  const platform = createRequire(import.meta.url)(path.join(repoRoot, 'packages', 'platform', 'dist', 'index.js')) as {
    provisionServiceRole(adminUrl: string, role: { role: string; password: string; schema: string }): Promise<void>;
  };
  for (const name of serviceNames) {
    const role = serviceRole(name);
    await platform.provisionServiceRole(adminUrl, { role, password: decodeURIComponent(new URL(serviceDatabaseUrl(name, adminUrl)).password), schema: role });
  }
  log(`database roles ready: ${serviceNames.map(serviceRole).join(', ')} (each owns its schema only)`);
}

function component(name: ServiceName): string {
  return `svc-${name}`;
}

export function servicePort(name: ServiceName): number {
  return Number(localEnv(name).HTTP_PORT);
}

export function serviceRunning(name: ServiceName): number | undefined {
  const pid = readPid(component(name));
  return pid !== undefined && isOurs(pid, component(name)) ? pid : undefined;
}

async function ready(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

const nodeFlags = ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning'];

/** Starts a service unless it runs; waits until /health/ready answers 200. */
export async function startService(name: ServiceName, stack: Record<string, string>, log: (m: string) => void): Promise<void> {
  const env = serviceCommandEnv(name, stack);
  const port = Number(env.HTTP_PORT);
  if (serviceRunning(name)) {
    log(`${name} already running on :${port}`);
    return;
  }
  const main = path.join(repoRoot, 'services', name, 'dist', 'main.js');
  // The marker argument lets `down` recognise the process by its command line (see tools/stack/process.ts).
  const started = startDetached(component(name), process.execPath, [...nodeFlags, main, `-Dmarketbill.stack=${component(name)}`], {
    cwd: repoRoot,
    env,
  });
  const deadline = Date.now() + 120_000;
  while (!(await ready(port))) {
    const exited = started.exited();
    if (exited || Date.now() > deadline) {
      throw new Error(`${name} ${exited ?? 'not ready within 120 s'}; log ${logPath(component(name))}:\n${tailLog(logPath(component(name)))}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`${name} ready on http://127.0.0.1:${port}`);
}

/** The environment of a service process or one-off command (`seed-demo`, `migrate`): its own database role. */
export function serviceCommandEnv(name: ServiceName, stack: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...stack, DATABASE_URL: serviceDatabaseUrl(name, stack.DATABASE_URL as string), ...localEnv(name) };
}

export async function stopService(name: ServiceName, log: (m: string) => void): Promise<void> {
  const pid = serviceRunning(name);
  if (!pid) return;
  const how = await terminate(pid, 20_000);
  removePid(component(name));
  log(`${name} ${how}`);
}
