// Starting, recognising and stopping the stack's own processes.
//
// Each Java server is started detached (own process group) so it outlives the `up` command or the
// test process that called ensureStack, with stdout/stderr appended to .stack/logs/<component>.log.
// Its pid goes to .stack/pids/<component>.pid. Every command line carries a marker
// (-Dmarketbill.stack=<component>) and `down` checks /proc/<pid>/cmdline for it before signalling,
// so a pid file that outlived a reboot never makes us kill an unrelated process that reused the pid.
import { spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { logPath, logsDir, pidPath, pidsDir, shown } from './paths.ts';

export type Log = (message: string) => void;

/** A component failed; the message names the log file to read. */
export class StackError extends Error {
  readonly component: string;
  readonly logFile: string | undefined;

  constructor(component: string, message: string, logFile?: string, options?: ErrorOptions) {
    super(`${component}: ${message}${logFile ? ` (log: ${shown(logFile)})` : ''}`, options);
    this.name = 'StackError';
    this.component = component;
    this.logFile = logFile;
  }
}

export function markerArg(component: string): string {
  return `-Dmarketbill.stack=${component}`;
}

/**
 * Whether the process runs. A zombie does not: it has exited and waits for its parent to collect
 * its status. That parent is whoever started the stack — `npm test` (tools/test.ts) when the stack
 * was not running yet, as on CI — and it runs Jest with spawnSync, so its event loop, which would
 * collect the status, is blocked until Jest ends. `kill(pid, 0)` succeeds on a zombie, so without
 * this check a server stopped by the fault suite looked alive forever and `stop` never returned.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else (e.g. postgres when we are not root)
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** Linux: the state field of /proc/<pid>/stat (after the parenthesised command name) is Z. */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (not Linux), or gone in between: kill(pid, 0) decided
  }
}

/** The process is alive and its command line carries our marker for this component. */
export function isOurs(pid: number, component: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes(markerArg(component));
  } catch {
    return false;
  }
}

export function readPid(component: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidPath(component), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function writePid(component: string, pid: number): void {
  fs.mkdirSync(pidsDir, { recursive: true });
  fs.writeFileSync(pidPath(component), `${pid}\n`);
}

export function removePid(component: string): void {
  fs.rmSync(pidPath(component), { force: true });
}

const maxLogBytes = 50 * 1024 * 1024;

/** Opens the component's log for appending, after a header line; rotates once past 50 MB. */
export function openLog(component: string): number {
  fs.mkdirSync(logsDir, { recursive: true });
  const file = logPath(component);
  try {
    if (fs.statSync(file).size > maxLogBytes) fs.renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
  const fd = fs.openSync(file, 'a');
  fs.writeSync(fd, `\n===== marketbill stack: starting ${component} at ${new Date().toISOString()} =====\n`);
  return fd;
}

export type Started = {
  pid: number;
  /** Set once the process has exited: a readiness wait stops at once instead of timing out. */
  exited: () => string | undefined;
};

/** Starts a long-running server in the background; its output goes to .stack/logs/<component>.log. */
export function startDetached(component: string, command: string, args: string[], options: SpawnOptions): Started {
  const fd = openLog(component);
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  let exitReason: string | undefined;
  child.once('error', (err) => {
    exitReason = `could not start ${command}: ${err.message}`;
  });
  child.once('exit', (code, signal) => {
    exitReason = `exited during startup (${signal ? `signal ${signal}` : `code ${code}`})`;
    if (readPid(component) === child.pid) removePid(component);
  });
  // The parent must not wait for the server, nor keep its event loop alive because of it.
  child.unref();
  if (child.pid === undefined) throw new StackError(component, `could not start ${command}`, logPath(component));
  writePid(component, child.pid);
  return { pid: child.pid, exited: () => exitReason };
}

/** A log's size now (0 when absent): mark it before a start to read only what that start wrote. */
export function logSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** What a log holds from byte `offset` on (at most the last 1 MiB of it), '' when absent. */
export function logSince(file: string, offset: number): string {
  try {
    const size = fs.statSync(file).size;
    const start = Math.max(0, offset, size - 1024 * 1024);
    if (start >= size) return '';
    const buf = Buffer.alloc(size - start);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buf, 0, buf.length, start);
    } finally {
      fs.closeSync(fd);
    }
    return buf.toString('utf8');
  } catch {
    return '';
  }
}

/** Last lines of a log (from its last 64 KiB), for error messages. */
export function tailLog(file: string, lines = 25): string {
  return logSince(file, logSize(file) - 64 * 1024)
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}

/**
 * SIGTERM, wait up to graceMs for the exit, then SIGKILL. All three Java servers shut down
 * cleanly on SIGTERM (Kafka flushes and closes its logs, which makes the next start faster).
 */
export async function terminate(pid: number, graceMs: number): Promise<'terminated' | 'killed' | 'gone'> {
  if (!isAlive(pid)) return 'gone';
  try {
    // A frozen process (SIGSTOP, as the fault tests do) handles SIGTERM only once it runs again.
    process.kill(pid, 'SIGCONT');
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'terminated';
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'terminated';
  }
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  return 'killed';
}

export type RunResult = { code: number; stdout: string; stderr: string };

/** Runs a short command to completion, collecting its output. Never throws for a non-zero exit. */
export function run(command: string, args: string[], options: SpawnOptions & { input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (options.input !== undefined) {
      child.stdin?.on('error', () => undefined); // a command may exit without reading its input
      child.stdin?.end(options.input);
    }
  });
}

/** Whether an executable can be found on PATH (or at an absolute path). */
export function which(command: string): string | undefined {
  if (command.includes('/')) return isExecutable(command) ? command : undefined;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && isExecutable(`${dir}/${command}`)) return `${dir}/${command}`;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
