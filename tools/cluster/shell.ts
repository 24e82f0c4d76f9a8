// Running the commands the cluster harness is made of, and timing its steps.
//
// Short commands run to completion with their output captured (`capture`); long ones (Go builds,
// image builds, kind, skaffold) write to a log file that the error message names (`logged`), so a
// failure points at the file to read instead of flooding the terminal.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { shown } from '../stack/paths.ts';
import { tailLog } from '../stack/process.ts';

export class ClusterError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ClusterError';
  }
}

export type Options = { cwd?: string; env?: NodeJS.ProcessEnv; input?: string | Buffer; timeoutMs?: number };

/** Runs a command to completion and returns its stdout; throws with its stderr when it fails. */
export function capture(command: string, args: string[], options: Options = {}): string {
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: options.timeoutMs,
  });
  if (r.error) throw new ClusterError(`${command} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new ClusterError(`${command} ${args.join(' ')} failed (exit ${r.status}):\n${`${r.stderr}${r.stdout}`.trim().split('\n').slice(-20).join('\n')}`);
  return r.stdout;
}

/** Like capture, but answers whether the command succeeded instead of throwing. */
export function succeeds(command: string, args: string[], options: Options = {}): boolean {
  const r = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, input: options.input, stdio: options.input === undefined ? 'ignore' : ['pipe', 'ignore', 'ignore'], timeout: options.timeoutMs });
  return r.status === 0;
}

/**
 * Runs a long command with stdout and stderr appended to `logFile` (a header line first). Rejects
 * with the last lines of the log when it fails. `stdin` may be a file to feed the command.
 */
export function logged(command: string, args: string[], logFile: string, options: Options & { stdinFile?: string } = {}): Promise<void> {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `\n===== ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  const stdin = options.stdinFile ? fs.openSync(options.stdinFile, 'r') : 'ignore';
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: [stdin, fd, fd] });
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGTERM'), options.timeoutMs) : undefined;
    let closed = false;
    const release = () => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      fs.closeSync(fd);
      if (typeof stdin === 'number') fs.closeSync(stdin);
    };
    // A spawn failure (no such command or cwd) emits 'error' and may emit 'close' as well.
    child.once('error', (err) => {
      release();
      reject(new ClusterError(`${command} (in ${options.cwd ?? process.cwd()}): ${err.message}`));
    });
    child.once('close', (code, signal) => {
      release();
      if (code === 0) resolve();
      else reject(new ClusterError(`${path.basename(command)} ${args.slice(0, 3).join(' ')} … failed (${signal ? `signal ${signal}` : `exit ${code}`}); log: ${shown(logFile)}\n${tailLog(logFile, 15)}`));
    });
  });
}

export type StepRecord = { title: string; seconds: number; note?: string };
export const steps: StepRecord[] = [];

const say = (line: string) => process.stderr.write(`${line}\n`);

/** Runs one step of the harness, printing its title, its duration and what it reports. */
export async function step<T>(title: string, fn: () => Promise<T> | T, note?: (value: T) => string | undefined): Promise<T> {
  say(`▶ ${title}`);
  const started = Date.now();
  try {
    const value = await fn();
    const seconds = (Date.now() - started) / 1000;
    const text = note?.(value);
    steps.push({ title, seconds, ...(text ? { note: text } : {}) });
    say(`✔ ${title} (${seconds.toFixed(1)} s)${text ? ` — ${text}` : ''}`);
    return value;
  } catch (err) {
    say(`✖ ${title} failed after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    throw err;
  }
}

export function info(line: string): void {
  say(`  ${line}`);
}

/** Polls until `probe` returns a value (not undefined), or throws after timeoutMs naming `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, intervalMs = 1_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new ClusterError(`gave up after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
