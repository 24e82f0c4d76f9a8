// The local stack's command line: node tools/stack.ts <up|down|status|env|logs> (see usage below).
// All the work is in tools/stack/index.ts, which tests use directly.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import {
  components,
  ensureStack,
  restartComponent,
  signalComponent,
  stackEnv,
  stackEnvKeys,
  stackStatus,
  stopComponent,
  stopStack,
  StackError,
  type Component,
} from './stack/index.ts';
import { stopJaeger } from './stack/jaeger.ts';
import { logPath, shown } from './stack/paths.ts';

const usage = `usage: node tools/stack.ts <command>

  up [--fast]              start what is not running (Postgres, Kafka, Apicurio Registry, S3Proxy),
                           wait until ready, write .stack/env and .stack/env.json.
                           --fast (or MB_STACK_FAST=1): Postgres without fsync, for tests only
  down                     stop the processes this checkout started, the trace viewer (Jaeger) included
                           (data stays in .stack/)
  status                   one line per component: state, pid, address, log
  env                      the connection settings as KEY=value lines
  logs [component] [-n N] [-f]
                           last N (80) lines of a component's log, -f to follow;
                           components: ${components.join(', ')}

fault injection (tests/faults; \`up\` brings everything back):
  stop <component> [--immediate]
                           stop one component (Postgres: pg_ctl stop -m fast, or -m immediate)
  restart postgres         pg_ctl restart -m fast (the pid file follows the new postmaster)
  kill <component>         SIGKILL a Java server (kafka, registry, s3)
  freeze <component>       SIGSTOP a Java server: it keeps its sockets and answers nothing
  thaw <component>         SIGCONT it again

ports: MB_PG_PORT MB_KAFKA_PORT MB_KAFKA_CONTROLLER_PORT MB_REGISTRY_PORT MB_REGISTRY_MANAGEMENT_PORT MB_S3_PORT
an existing Postgres: DATABASE_URL`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up': {
      const unknown = rest.filter((a) => a !== '--fast');
      if (unknown.length > 0) return fail(`unknown option ${unknown[0]}`);
      await ensureStack({ fast: rest.includes('--fast') || undefined });
      return 0;
    }
    case 'down':
      // Jaeger too: `npm test` and `npm run up` start it beside the stack, and a trace viewer left
      // running keeps its ports from the next checkout's stack.
      await stopJaeger((m) => process.stderr.write(`stack: ${m}\n`));
      await stopStack();
      process.stderr.write('stack: down\n');
      return 0;
    case 'status':
      printStatus(await stackStatus());
      return 0;
    case 'env': {
      const env = stackEnv();
      if (!env) return fail('the stack has never been brought up in this checkout: run `node tools/stack.ts up`', false);
      for (const key of stackEnvKeys) process.stdout.write(`${key}=${env[key]}\n`);
      return 0;
    }
    case 'logs':
      return showLogs(rest);
    case 'stop': {
      const [name, ...options] = rest;
      if (!isComponent(name)) return fail(`stop needs a component: ${components.join(', ')}`);
      const unknown = options.filter((a) => a !== '--immediate');
      if (unknown.length > 0) return fail(`unknown option ${unknown[0]}`);
      await stopComponent(name, { postgresMode: options.includes('--immediate') ? 'immediate' : 'fast' });
      return 0;
    }
    case 'restart':
      if (rest[0] !== 'postgres' || rest.length > 1) return fail('restart takes one component: postgres');
      await restartComponent('postgres');
      return 0;
    case 'kill':
    case 'freeze':
    case 'thaw': {
      const name = rest[0];
      if (!isComponent(name) || name === 'postgres' || rest.length > 1) return fail(`${command} takes one of: kafka, registry, s3`);
      const signal = command === 'kill' ? 'SIGKILL' : command === 'freeze' ? 'SIGSTOP' : 'SIGCONT';
      const pid = signalComponent(name, signal);
      process.stderr.write(`stack: ${signal} sent to ${name} (pid ${pid})\n`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${usage}\n`);
      return command === undefined ? 2 : 0;
    default:
      return fail(`unknown command ${command}`);
  }
}

function printStatus(rows: Awaited<ReturnType<typeof stackStatus>>): void {
  const table = [['COMPONENT', 'STATE', 'PID', 'ADDRESS', 'LOG'], ...rows.map((r) => [r.component, r.state, r.pid ? String(r.pid) : '-', r.address, r.log])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
}

function showLogs(args: string[]): Promise<number> | number {
  let lines = '80';
  let follow = false;
  const named: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-f' || a === '--follow') follow = true;
    else if (a === '-n') lines = args[++i] ?? lines;
    else named.push(a);
  }
  for (const name of named) {
    if (!(components as readonly string[]).includes(name)) return fail(`unknown component ${name}; one of ${components.join(', ')}`);
  }
  const files = (named.length > 0 ? (named as Component[]) : [...components]).map(logPath).filter((f) => fs.existsSync(f));
  if (files.length === 0) return fail('no log yet: run `node tools/stack.ts up` first', false);
  // tail does this well (following renames too with -F); no need to reimplement it.
  const child = spawn('tail', ['-n', lines, ...(follow ? ['-F'] : []), ...files], { stdio: 'inherit' });
  if (follow) process.stderr.write(`following ${files.map(shown).join(', ')} (Ctrl-C to stop)\n`);
  return new Promise((resolve) => child.once('close', (code) => resolve(code ?? 0)));
}

function isComponent(name: string | undefined): name is Component {
  return (components as readonly string[]).includes(name ?? '');
}

function fail(message: string, showUsage = true): number {
  process.stderr.write(`stack: ${message}\n${showUsage ? `\n${usage}\n` : ''}`);
  return showUsage ? 2 : 1;
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    if (err instanceof StackError) {
      process.stderr.write(`stack: ${err.message}\n`);
    } else {
      process.stderr.write(`stack: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(1);
  });
