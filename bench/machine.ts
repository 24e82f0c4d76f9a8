// What every benchmark prints beside its figures: the machine, the load average while it ran, the
// figure and the limit of the parts underneath measured in the same run, and their ratio. On a
// shared 2-core machine an absolute figure varies twofold with other people's work; a ratio to a
// limit measured at the same moment varies far less, and says how much of the machine we waste.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as Platform from '@marketbill/platform';

/** The checkout this file belongs to. */
export const checkout = path.resolve(import.meta.dirname, '..');

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const memGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  const broker = kafkaBrokerAge();
  return `${cpu} × ${os.cpus().length} cores, ${memGiB} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, load average at start ${load}${broker ? `; ${broker}` : ''}`;
}

/**
 * How long this checkout's Kafka broker has run and how much CPU it has used: a broker minutes old
 * still compiles its hot paths and spends up to twice its settled CPU per event, which the benches'
 * own warm-up (of our processes) does not cover (bench/README.md, messaging).
 */
function kafkaBrokerAge(): string | undefined {
  const pid = stackPid('kafka');
  if (pid === undefined) return undefined;
  try {
    const stat = procStat(pid);
    const uptimeSeconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    const minutes = (uptimeSeconds - stat.startedSeconds) / 60;
    if (!Number.isFinite(minutes)) return undefined;
    return `the stack's Kafka broker up ${minutes < 10 ? minutes.toFixed(1) : Math.round(minutes)} min, ${Math.round(stat.cpuMs / 1000)} s of CPU so far`;
  } catch {
    return undefined;
  }
}

/**
 * The stack's settings: the environment first, then this checkout's `.stack/env.json` (written by
 * `npm run stack -- up`), or the stack directory named by MB_STACK_DIR. Never another checkout's
 * stack by accident: several checkouts run their own on one machine.
 */
export function stackEnv(): Record<string, string> {
  const dir = process.env.MB_STACK_DIR ?? path.join(checkout, '.stack');
  const file = path.join(dir, 'env.json');
  const fromFile: Record<string, string> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const merged: Record<string, string> = { ...fromFile };
  for (const key of ['DATABASE_URL', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'S3_ENDPOINT', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE']) {
    const value = process.env[key];
    if (value) merged[key] = value;
  }
  if (!merged.DATABASE_URL) throw new Error(`no stack settings: start the stack (npm run stack -- up --fast) or set DATABASE_URL and the rest (looked in ${file})`);
  return merged;
}

/**
 * The DATABASE_URL a service of a benchmark runs with: as in a deployment (and `npm run up`), its own
 * Postgres role, owner of its schema and nothing else — never the administrator. The stack makes the
 * roles (`catalog`, `auction_ingest`, …; passwords in its secrets.json); here the run's fresh `schema`
 * is made for that role with the administrator's `adminUrl` (platform's provisionServiceRole, the
 * statements the stack runs; the role's password stays what the stack set). Against a Postgres the
 * stack did not set up (no password for the role) the service runs as `adminUrl`, as before.
 * The administrator still reads the tables, copies them and drops the schema afterwards.
 */
export async function serviceDatabaseUrl(adminUrl: string, service: string, schema: string): Promise<string> {
  const role = service.replace(/-/g, '_');
  const file = path.join(process.env.MB_STACK_DIR ?? path.join(checkout, '.stack'), 'secrets.json');
  const secrets: Record<string, string> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const password = secrets[`${role.toUpperCase()}_DATABASE_PASSWORD`];
  if (!password) return adminUrl;
  const platform = createRequire(import.meta.url)('@marketbill/platform') as typeof Platform;
  await platform.provisionServiceRole(adminUrl, { role, password, schema });
  return platform.roleUrl(adminUrl, { role, password });
}

/** Percentile of sorted numbers (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Median and spread of repeated trials. */
export interface Trials {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function trials(values: number[]): Trials {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? (sorted[Math.floor(mid)] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN, n: sorted.length };
}

const fmt = (x: number, digits: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits));

/** "145 (median of 3: 140–150)" */
export function formatTrials(t: Trials, unit: string, digits = 1): string {
  return t.n === 1 ? `${fmt(t.median, digits)} ${unit}` : `${fmt(t.median, digits)} ${unit} (median of ${t.n}: ${fmt(t.min, digits)}–${fmt(t.max, digits)})`;
}

/**
 * A mark of the machine's CPU time so far (all CPUs, from the first line of /proc/stat, in clock
 * ticks): all of it, and the part stolen — time our virtual CPUs were ready to run while the
 * hypervisor ran other guests. The load average cannot show steal (a stolen tick is neither our
 * work nor idle to it), yet on a shared host it slows every figure: 20–30 % was measured here on
 * 2026-12-03 with the load average at 2. Undefined where /proc/stat cannot be read.
 */
export interface CpuMark {
  total: number;
  steal: number;
}

export function cpuMark(): CpuMark | undefined {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
    const ticks = first.trim().split(/\s+/).slice(1, 9).map(Number);
    if (!first.startsWith('cpu ') || ticks.length < 8 || ticks.some((t) => !Number.isFinite(t))) return undefined;
    return { total: ticks.reduce((sum, t) => sum + t, 0), steal: ticks[7] as number };
  } catch {
    return undefined;
  }
}

/** The share of the machine's CPU time stolen between two marks, as text (`steal 12 %`), or ''. */
export function stealText(from: CpuMark | undefined, to: CpuMark | undefined = cpuMark()): string {
  if (!from || !to || to.total <= from.total) return '';
  return `steal ${((100 * (to.steal - from.steal)) / (to.total - from.total)).toFixed(0)} %`;
}

/**
 * The load average per phase of a benchmark (the figure's runs, the limit's runs), sampled every
 * second while a phase runs: alternating trials are charged to their own phase. The CPU time stolen
 * by the hypervisor is charged the same way.
 */
export function loadByPhase() {
  const samples = new Map<string, number[]>();
  const stolen = new Map<string, CpuMark>();
  let current: string | undefined;
  const record = () => {
    if (current) samples.set(current, [...(samples.get(current) ?? []), os.loadavg()[0] as number]);
  };
  const timer = setInterval(record, 1_000);
  timer.unref();
  return {
    async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
      current = name;
      record();
      const from = cpuMark();
      try {
        return await work();
      } finally {
        record();
        current = undefined;
        const to = cpuMark();
        if (from && to) {
          const sum = stolen.get(name) ?? { total: 0, steal: 0 };
          stolen.set(name, { total: sum.total + to.total - from.total, steal: sum.steal + to.steal - from.steal });
        }
      }
    },
    text(name: string): string {
      const t = trials(samples.get(name) ?? [Number.NaN]);
      const steal = stealText({ total: 0, steal: 0 }, stolen.get(name));
      return `load ${t.min.toFixed(1)}–${t.max.toFixed(1)}${steal ? `, ${steal}` : ''}`;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/**
 * The three lines every benchmark ends with: the figure, the limit measured in the same run, and
 * the ratio with its goal. `higherIsBetter` false for times (ratio = limit ÷ figure).
 */
export function ratioReport(options: {
  figure: { what: string; value: Trials; unit: string; load: string; extra?: string };
  limit: { what: string; value: Trials; unit: string; load: string; extra?: string };
  goal?: string;
  higherIsBetter?: boolean;
  digits?: number;
}): string {
  const { figure, limit } = options;
  const higher = options.higherIsBetter ?? true;
  const ratio = higher ? figure.value.median / limit.value.median : limit.value.median / figure.value.median;
  const d = options.digits ?? 1;
  return [
    `figure: ${figure.what}: ${formatTrials(figure.value, figure.unit, d)}${figure.extra ? `; ${figure.extra}` : ''} [${figure.load}]`,
    `limit:  ${limit.what}: ${formatTrials(limit.value, limit.unit, d)}${limit.extra ? `; ${limit.extra}` : ''} [${limit.load}]`,
    `ratio:  ${(ratio * 100).toFixed(0)} % of the limit${options.goal ? ` (goal: ${options.goal})` : ''}`,
  ].join('\n');
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux); with `children`, also
 * that of its children that have exited (and were waited for). NaN where unreadable.
 */
export function processCpuMs(pid: number, children = false): number {
  try {
    const stat = procStat(pid);
    return children ? stat.cpuMs + stat.childrenCpuMs : stat.cpuMs;
  } catch {
    return Number.NaN;
  }
}

/** Clock ticks per second of /proc's times (`getconf CLK_TCK`: 100 on Linux here). */
const TICKS_PER_SECOND = 100;

/**
 * What /proc/<pid>/stat says of a process's CPU (user + system, ms; its exited and waited-for
 * children's apart) and of its start (seconds after boot). Throws where unreadable.
 */
function procStat(pid: number): { cpuMs: number; childrenCpuMs: number; startedSeconds: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After the command: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14) … starttime(19).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const ms = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
  return {
    cpuMs: ms((fields[11] as number) + (fields[12] as number)),
    childrenCpuMs: ms((fields[13] as number) + (fields[14] as number)),
    startedSeconds: (fields[19] as number) / TICKS_PER_SECOND,
  };
}

/** A process's memory from /proc/<pid>/status, in MB: VmHWM is its peak RSS, the others its RSS now (RssAnon, RssFile by kind). */
export interface ProcessMemory {
  VmRSS: number;
  VmHWM: number;
  RssAnon: number;
  RssFile: number;
}

export function processMemoryMb(pid: number): ProcessMemory {
  const out: ProcessMemory = { VmRSS: Number.NaN, VmHWM: Number.NaN, RssAnon: Number.NaN, RssFile: Number.NaN };
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(VmRSS|VmHWM|RssAnon|RssFile):\s+(\d+) kB/.exec(line);
    if (m) out[m[1] as keyof ProcessMemory] = Number(m[2]) / 1024;
  }
  return out;
}

/** The pid the local stack recorded for one of its processes (`.stack/pids/<name>.pid`), or undefined. */
function stackPid(name: 'postgres' | 'kafka'): number | undefined {
  const dir = process.env.MB_STACK_DIR ?? path.join(checkout, '.stack');
  try {
    return Number(readFileSync(path.join(dir, 'pids', `${name}.pid`), 'utf8').trim());
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) used so far by this checkout's Kafka broker (one JVM: its network, request and log
 * threads), NaN when the stack did not start it (another stack's broker is not counted).
 */
export function kafkaCpuMs(): number {
  const pid = stackPid('kafka');
  return pid === undefined ? Number.NaN : processCpuMs(pid);
}

/**
 * CPU time (ms) used so far by this checkout's Postgres (`.stack/pids/postgres.pid`): the
 * postmaster, the backends that have exited (the postmaster waits for them, so their time is in
 * its children's total) and every backend still running.
 */
export function postgresCpuMs(): number {
  const postmaster = stackPid('postgres');
  if (postmaster === undefined) return Number.NaN;
  let total = processCpuMs(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) total += processCpuMs(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** A free TCP port on 127.0.0.1 for a process a bench starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * The node flags a service's container starts with, read from its Dockerfile: the ENTRYPOINT's
 * (`--disable-warning=…`) and the image's NODE_OPTIONS (billing's young-generation cap), so a
 * bench measures the process as deployed.
 */
export function containerFlags(service: string): { flags: string[]; nodeOptions: string } {
  const dockerfile = readFileSync(path.join(checkout, 'services', service, 'Dockerfile'), 'utf8');
  const entry = /ENTRYPOINT \[(.*)\]/.exec(dockerfile)?.[1] ?? '';
  const flags = [...entry.matchAll(/"(--[^"]+)"/g)].map((m) => m[1] as string);
  const nodeOptions = /NODE_OPTIONS=(\S+)/.exec(dockerfile)?.[1] ?? '';
  return { flags, nodeOptions };
}

/**
 * Applies a service's migrations as Kubernetes does, in a process of its own before the service
 * starts (the init container: the image's ENTRYPOINT, `flags`, with the argument `migrate`). Start
 * the service afterwards with `MIGRATE_ON_START=false`, as deployed, so what it holds in memory is
 * a serving process's.
 */
export async function migrateAsDeployed(entry: string, env: NodeJS.ProcessEnv, flags: string[]): Promise<void> {
  const child = spawn(process.execPath, [...flags, entry, 'migrate'], { cwd: checkout, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${path.relative(checkout, entry)} migrate exited with ${code}`);
}
