// Idle memory of every service, as Kubernetes sees it (the pods' memory requests depend on it): each
// service started from its build with the flags of its container image (ENTRYPOINT and NODE_OPTIONS
// of its Dockerfile), on a fresh schema and topic prefix of the local stack, left idle until its
// resident set settles, then measured from /proc: VmRSS (now) and VmHWM (its peak so far, start-up
// included), with V8's heap figures. One service at a time, so they do not share the cores.
//
//   npm run build && npm run stack -- up --fast
//   node bench/idle-rss.mts [--idle 20] [--services billing,catalog] [--flags "--max-semi-space-size=2"] [--no-source-maps]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { localEnv, serviceNames, type ServiceName } from '../tools/services.ts';
import { checkout, containerFlags, freePort, machine, migrateAsDeployed, processMemoryMb, stackEnv } from './machine.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const idleSeconds = Number(arg('idle') ?? 20);
const only = arg('services')?.split(',') as ServiceName[] | undefined;
const extraFlags = arg('flags')?.split(' ').filter(Boolean) ?? [];
const stack = stackEnv();

const mb = (x: number | undefined) => `${Math.round(x ?? Number.NaN)} MB`;
process.stdout.write(`machine: ${machine()}\nidle ${idleSeconds} s after ready; flags from each Dockerfile${extraFlags.length ? ` plus ${extraFlags.join(' ')}` : ''}\n\n`);
process.stdout.write('| service | flags | RSS idle | peak RSS (start-up included) | anonymous | file-backed |\n|---|---|---:|---:|---:|---:|\n');
const db = new pg.Client({ connectionString: stack.DATABASE_URL });
await db.connect();
for (const name of only ?? serviceNames) {
  const id = randomBytes(3).toString('hex');
  const schema = `rss_${name.replace('-', '_')}_${id}`;
  const port = await freePort();
  const image = containerFlags(name);
  const flags = process.argv.includes('--no-source-maps') ? image.flags.filter((f) => f !== '--enable-source-maps') : image.flags;
  const nodeOptions = image.nodeOptions;
  const env = {
    ...process.env,
    ...stack,
    ...localEnv(name),
    DATABASE_SCHEMA: schema,
    KAFKA_TOPIC_PREFIX: `${schema}.`,
    HTTP_PORT: String(port),
    LOG_LEVEL: 'warn',
    NODE_OPTIONS: nodeOptions,
    ...(name === 'auction-ingest' ? { CATCH_UP_DAYS: '0', IMPORT_SCHEDULE_ENABLED: 'false' } : {}),
    ...(name === 'ordering' ? { CUTOFF_JOB_ENABLED: 'false' } : {}),
  };
  const entry = path.join(checkout, 'services', name, 'dist', 'main.js');
  await migrateAsDeployed(entry, env, image.flags);
  const child = spawn(process.execPath, [...flags, ...extraFlags, entry], { cwd: checkout, env: { ...env, MIGRATE_ON_START: 'false' }, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${name} did not become ready`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const s = processMemoryMb(child.pid as number);
    process.stdout.write(`| ${name} | ${[...flags.filter((f) => !f.startsWith('--disable-warning')), nodeOptions, ...extraFlags].filter(Boolean).join(' ')} | ${mb(s.VmRSS)} | ${mb(s.VmHWM)} | ${mb(s.RssAnon)} | ${mb(s.RssFile)} |\n`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    await db.query(`drop schema if exists "${schema}" cascade`);
  }
}
await db.end();
