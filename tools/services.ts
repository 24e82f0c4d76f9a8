// The five services as local processes, for `npm run up` / `npm run down` / `npm run status`.
// Each service's local settings live in services/<name>/local.env (no secrets there: a value
// written `${secret:NAME}` is generated once, kept in .stack/secrets.json, and shared by every
// service that names it). Logs go to .stack/logs/svc-<name>.log, pids to .stack/pids/svc-<name>.pid.
import fs from 'node:fs';
import path from 'node:path';
import { logPath, repoRoot } from './stack/paths.ts';
import { secret } from './stack/secrets.ts';
import { serviceRoleUrl } from './stack/service-roles.ts';
import { isOurs, readPid, removePid, startDetached, tailLog, terminate } from './stack/process.ts';

/** In start order: producers of the events others consume come first. */
export const serviceNames = ['auction-ingest', 'catalog', 'ordering', 'billing', 'notifier'] as const;
export type ServiceName = (typeof serviceNames)[number];

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

/**
 * The DATABASE_URL a service runs with: the stack's server and database as the service's own role
 * (made by the stack, see stack/service-roles.ts), never the administrator.
 */
export function serviceDatabaseUrl(name: ServiceName, adminUrl: string): string {
  return serviceRoleUrl(adminUrl, name.replace(/-/g, '_'));
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

// Source maps: each service's main.ts turns them on for its own code (@marketbill/runtime/source-maps).
const nodeFlags = ['--disable-warning=TimeoutNegativeWarning'];

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
