import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths';

/** The stack's components, as `node tools/stack.ts` names them. */
export type Component = 'postgres' | 'kafka' | 'registry' | 's3';

const STACK_KEYS = ['DATABASE_URL', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'S3_ENDPOINT', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE'];

/**
 * Whether this run's stack is the checkout's own local one, which tests may stop and start (the
 * test runner says so); an external stack (given by the environment, or testcontainers) is not.
 */
export function stackIsControllable(): boolean {
  return process.env.MB_STACK_CONTROL === 'local';
}

/**
 * Runs `node tools/stack.ts <args>` for this checkout's stack (ports from MB_*_PORT, as `npm test`
 * set them) and resolves with its output; rejects when it exits non-zero. The stack tool itself
 * does the work: it knows the pids, the marker on each command line and how each server stops.
 */
export function stackCommand(args: string[], log: (line: string) => void = () => undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    // Without the stack's settings in the environment: given those, the tool takes the stack for an
    // external one and starts nothing (the test runner hands them to every test).
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !STACK_KEYS.includes(k)));
    // With the flag tools/bootstrap.sh gives every `npm run` of the tool (docs/local-stack.md: it
    // loads one TypeScript file of packages/platform, which Node reparses as an ES module).
    const child = spawn(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', join(repoRoot, 'tools', 'stack.ts'), ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (d: Buffer) => {
      output += d.toString();
      for (const line of d.toString().split('\n').filter(Boolean)) log(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`node tools/stack.ts ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}

/**
 * Takes stack components away and brings them back, for fault tests. Every way of taking one away
 * is paired with `restore()`, which starts whatever is not running and thaws what is frozen, so a
 * test that fails half-way still leaves the stack whole for the next one (call it in `finally` /
 * `afterEach`).
 */
export interface StackFaults {
  /** `pg_ctl stop -m fast` for Postgres, SIGTERM for the Java servers. */
  stop(component: Component, options?: { postgresMode?: 'fast' | 'immediate' }): Promise<void>;
  /** SIGKILL (Java servers only: the test cluster runs without fsync, where killing Postgres may corrupt it). */
  kill(component: Exclude<Component, 'postgres'>): Promise<void>;
  /** SIGSTOP: the server keeps its sockets and answers nothing. */
  freeze(component: Exclude<Component, 'postgres'>): Promise<void>;
  thaw(component: Exclude<Component, 'postgres'>): Promise<void>;
  /** `pg_ctl restart -m fast`. */
  restartPostgres(): Promise<void>;
  /** Everything running and answering again (`up --fast`: starts only what is missing). */
  restore(): Promise<void>;
  /** Takes `component` away for `durationMs` while `during` runs, then brings it back; answers how long the restart took. */
  downFor(component: Component, durationMs: number, options?: { how?: 'stop' | 'kill' | 'freeze'; during?: () => Promise<void> }): Promise<{ restartMs: number }>;
}

export function stackFaults(log: (line: string) => void = () => undefined): StackFaults {
  const frozen = new Set<Component>();
  const faults: StackFaults = {
    async stop(component, options = {}) {
      await stackCommand(['stop', component, ...(options.postgresMode === 'immediate' ? ['--immediate'] : [])], log);
    },
    async kill(component) {
      await stackCommand(['kill', component], log);
    },
    async freeze(component) {
      await stackCommand(['freeze', component], log);
      frozen.add(component);
    },
    async thaw(component) {
      await stackCommand(['thaw', component], log);
      frozen.delete(component);
    },
    async restartPostgres() {
      await stackCommand(['restart', 'postgres'], log);
    },
    async restore() {
      for (const component of [...frozen]) {
        await stackCommand(['thaw', component], log).catch(() => undefined);
        frozen.delete(component);
      }
      await stackCommand(['up', '--fast'], log);
    },
    async downFor(component, durationMs, options = {}) {
      const how = options.how ?? 'stop';
      if (how === 'stop') await faults.stop(component);
      else if (how === 'kill') await faults.kill(component as Exclude<Component, 'postgres'>);
      else await faults.freeze(component as Exclude<Component, 'postgres'>);
      const until = Date.now() + durationMs;
      let restartMs: number;
      try {
        await options.during?.();
        const rest = until - Date.now();
        if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      } finally {
        const started = Date.now();
        if (how === 'freeze') await faults.thaw(component as Exclude<Component, 'postgres'>);
        await faults.restore();
        restartMs = Date.now() - started;
      }
      return { restartMs };
    },
  };
  return faults;
}
