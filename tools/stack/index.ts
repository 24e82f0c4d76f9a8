// The local infrastructure stack: real PostgreSQL, Kafka, Apicurio Registry and S3Proxy as local
// processes, no Docker. Used by `node tools/stack.ts` and, programmatically, by integration tests
// (ensureStack). See docs/local-stack.md.
import fs from 'node:fs';
import { ensureKafka, fetchKafka, kafkaVersion, stopKafka } from './kafka.ts';
import { envFile, envJsonFile, lockFile, logPath, secureJsonFile, shown, stackDir } from './paths.ts';
import { ephemeralPortsNote, host, portAnswers, portsByVariable, readPorts, type Ports } from './ports.ts';
import { ensurePostgres, postgresPid, postgresStatus, restartPostgres, stopPostgres, tlsOnlyRole } from './postgres.ts';
import { isAlive, isOurs, readPid, StackError, type Log } from './process.ts';
import { apicurioVersion, ensureRegistry, fetchRegistry, registryLauncher, registryUrl, stopRegistry } from './registry.ts';
import { ensureS3, fetchS3, readCredentials, s3proxyVersion, s3Region, stopS3 } from './s3.ts';
import { ensureTls } from './tls.ts';

export { StackError } from './process.ts';

/** Connection settings of the stack: the environment every service and test reads. */
export type StackEnv = {
  DATABASE_URL: string;
  KAFKA_BROKERS: string;
  SCHEMA_REGISTRY_URL: string;
  S3_ENDPOINT: string;
  S3_REGION: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_FORCE_PATH_STYLE: string;
};

export const stackEnvKeys = [
  'DATABASE_URL',
  'KAFKA_BROKERS',
  'SCHEMA_REGISTRY_URL',
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
] as const satisfies readonly (keyof StackEnv)[];

/**
 * What the stack offers for testing our clients' security settings, in .stack/secure.json (not in
 * the service environment): a CA and the servers that present certificates signed by it.
 */
export type SecureStack = {
  /** PEM of the CA that signed the servers' certificates (for IP 127.0.0.1 only). */
  caFile: string;
  /** PEM of a CA that signed nothing here: trusting it must fail. */
  otherCaFile: string;
  /** Postgres serves TLS to every client that asks; this URL's role is refused without TLS. Absent with an external Postgres. */
  postgresTlsOnlyUrl?: string;
  /** Kafka's SASL_SSL listener; the user works with SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN. */
  kafka: { saslSslBrokers: string; username: string; password: string; mechanisms: string[] };
  /**
   * How to launch Apicurio. Basic auth cannot be switched on for one listener only, so tests of
   * registry TLS and basic auth start their own instance (in memory, TLS, embedded users).
   */
  registry: { javaBin: string; jar: string };
};

export type EnsureOptions = {
  /** Postgres without fsync (tests). Also MB_STACK_FAST=1. Only applies when Postgres is started. */
  fast?: boolean;
  /** Progress lines; default: stderr. */
  log?: (message: string) => void;
  /** Readiness timeout per component in ms (default 120 000; cold JVMs on 2 cores are slow). */
  timeoutMs?: number;
};

export const components = ['postgres', 'kafka', 'registry', 's3'] as const;
export type Component = (typeof components)[number];

const defaultLog: Log = (message) => process.stderr.write(`stack: ${message}\n`);

/**
 * Brings the stack up (starting only what is not running) and returns its connection settings,
 * also written to .stack/env and .stack/env.json.
 *
 * When KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL and S3_ENDPOINT are all set in the
 * environment, an external stack is in use: nothing is started and those settings are returned.
 */
export async function ensureStack(opts: EnsureOptions = {}): Promise<StackEnv> {
  const log = opts.log ?? defaultLog;
  const external = externalEnv();
  if (external) {
    log('using the stack given by the environment (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL, S3_ENDPOINT); starting nothing');
    return external;
  }
  const fast = opts.fast ?? process.env.MB_STACK_FAST === '1';
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const ports = readPorts();
  const note = ephemeralPortsNote(portsByVariable(ports));
  if (note) log(note);
  const started = Date.now();
  const took = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

  const release = await acquireLock(log, timeoutMs * 4);
  try {
    const tls = await ensureTls(log);
    // Postgres needs no download, so it starts at once; the three Maven fetches run one after the
    // other (one local repository, and Maven 3.8 does not lock it) while Postgres boots, and each
    // server starts as soon as its own files are there. The registry also waits for Postgres.
    const postgres = ensurePostgres({ port: ports.postgres, fast, timeoutMs, log, tls }).then((info) => {
      log(`postgres ${info.external ? 'external' : info.reused ? 'already running' : 'ready'} (${took()})`);
      return info;
    });
    const kafkaFiles = fetchKafka(log);
    // A failed fetch must not skip the next one: each failure is reported by its own component.
    const registryFiles = kafkaFiles.catch(() => undefined).then(() => fetchRegistry(log));
    const s3Files = registryFiles.catch(() => undefined).then(() => fetchS3(log));
    const kafka = kafkaFiles.then(() => ensureKafka({ port: ports.kafka, controllerPort: ports.kafkaController, saslPort: ports.kafkaSasl, tls, timeoutMs, log })).then((info) => {
      log(`kafka ${kafkaVersion()} ${info.reused ? 'already running' : 'ready'} on ${info.brokers} (${took()})`);
      return info;
    });
    const registry = Promise.all([postgres, registryFiles])
      .then(([pg]) => ensureRegistry({ port: ports.registry, managementPort: ports.registryManagement, database: pg.registry, timeoutMs, log }))
      .then((info) => {
        log(`registry (Apicurio ${apicurioVersion()}) ${info.reused ? 'already running' : 'ready'} at ${info.url} (${took()})`);
        return info;
      });
    const s3 = s3Files.then(() => ensureS3({ port: ports.s3, timeoutMs, log })).then((info) => {
      log(`s3 (S3Proxy ${s3proxyVersion()}) ${info.reused ? 'already running' : 'ready'} at ${info.endpoint} (${took()})`);
      return info;
    });

    const results = await Promise.allSettled([postgres, kafka, registry, s3]);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (failures.length > 0) {
      const messages = [...new Set(failures.map((e) => e.message))];
      throw new StackError('up', `${messages.length} component(s) failed:\n- ${messages.join('\n- ')}`, undefined, { cause: failures[0] });
    }
    const [pg, k, r, s] = [await postgres, await kafka, await registry, await s3];
    const env: StackEnv = {
      DATABASE_URL: pg.databaseUrl,
      KAFKA_BROKERS: k.brokers,
      SCHEMA_REGISTRY_URL: r.url,
      S3_ENDPOINT: s.endpoint,
      S3_REGION: s3Region,
      S3_ACCESS_KEY_ID: s.credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    };
    writeEnvFiles(env);
    const tlsOnly = new URL(pg.databaseUrl);
    tlsOnly.username = tlsOnlyRole;
    tlsOnly.password = '';
    writeSecureFile({
      caFile: tls.caFile,
      otherCaFile: tls.otherCaFile,
      ...(pg.external ? {} : { postgresTlsOnlyUrl: tlsOnly.href }),
      kafka: { saslSslBrokers: k.saslSslBrokers, ...k.saslUser, mechanisms: ['scram-sha-256', 'scram-sha-512', 'plain'] },
      registry: registryLauncher(log),
    });
    log(`stack up in ${took()}; settings in ${shown(envFile)}`);
    return env;
  } finally {
    release();
  }
}

function externalEnv(): StackEnv | undefined {
  const e = process.env;
  if (!e.KAFKA_BROKERS || !e.SCHEMA_REGISTRY_URL || !e.DATABASE_URL || !e.S3_ENDPOINT) return undefined;
  return {
    DATABASE_URL: e.DATABASE_URL,
    KAFKA_BROKERS: e.KAFKA_BROKERS,
    SCHEMA_REGISTRY_URL: e.SCHEMA_REGISTRY_URL,
    S3_ENDPOINT: e.S3_ENDPOINT,
    S3_REGION: e.S3_REGION ?? s3Region,
    S3_ACCESS_KEY_ID: e.S3_ACCESS_KEY_ID ?? '',
    S3_SECRET_ACCESS_KEY: e.S3_SECRET_ACCESS_KEY ?? '',
    S3_FORCE_PATH_STYLE: e.S3_FORCE_PATH_STYLE ?? 'true',
  };
}

function writeEnvFiles(env: StackEnv): void {
  fs.mkdirSync(stackDir, { recursive: true });
  const lines = stackEnvKeys.map((k) => `${k}=${env[k]}`).join('\n');
  // The secret is in there: readable by the owner only, like the credentials file.
  // Only KEY=value lines (no comments), so the simplest of parsers reads it.
  fs.writeFileSync(envFile, `${lines}\n`, { mode: 0o600 });
  fs.writeFileSync(envJsonFile, `${JSON.stringify(env, null, 2)}\n`, { mode: 0o600 });
}

function writeSecureFile(secure: SecureStack): void {
  fs.writeFileSync(secureJsonFile, `${JSON.stringify(secure, null, 2)}\n`, { mode: 0o600 });
}

/**
 * The settings of this checkout's stack as `up` would give them (ports from the environment,
 * credentials from .stack), without starting anything. Undefined before the first `up`.
 */
export function stackEnv(): StackEnv | undefined {
  const external = externalEnv();
  if (external) return external;
  const credentials = readCredentials();
  if (!credentials) return undefined;
  const ports = readPorts();
  return {
    DATABASE_URL: process.env.DATABASE_URL ?? `postgres://postgres@${host}:${ports.postgres}/marketbill`,
    KAFKA_BROKERS: `${host}:${ports.kafka}`,
    SCHEMA_REGISTRY_URL: registryUrl(ports.registry),
    S3_ENDPOINT: `http://${host}:${ports.s3}`,
    S3_REGION: s3Region,
    S3_ACCESS_KEY_ID: credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  };
}

/**
 * Stops what this checkout's stack started, by the pids in .stack/pids: dependants first
 * (registry before Postgres). Data stays in .stack; delete that folder for a clean slate.
 */
export async function stopStack(opts: { log?: Log } = {}): Promise<void> {
  const log = opts.log ?? defaultLog;
  const release = await acquireLock(log, 120_000);
  try {
    const results = await Promise.allSettled([stopRegistry(log), stopS3(log), stopKafka(log)]);
    // Postgres last: the registry holds connections to it until it has stopped.
    results.push(...(await Promise.allSettled([stopPostgres(log)])));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (failures.length > 0) throw new StackError('down', `failed:\n- ${failures.join('\n- ')}`);
  } finally {
    release();
  }
}

/**
 * Stops one component of this checkout's stack — the fault tests take Postgres, Kafka, the registry
 * or S3 away with it; `ensureStack` (or `up`) brings it back. Postgres stops with `pg_ctl stop -m
 * fast` (sessions get an admin-shutdown error) or `immediate`; the Java servers get SIGTERM.
 */
export async function stopComponent(component: Component, opts: { log?: Log; postgresMode?: 'fast' | 'immediate' } = {}): Promise<void> {
  const log = opts.log ?? defaultLog;
  const release = await acquireLock(log, 120_000);
  try {
    if (component === 'postgres') await stopPostgres(log, opts.postgresMode ?? 'fast');
    else if (component === 'kafka') await stopKafka(log);
    else if (component === 'registry') await stopRegistry(log);
    else await stopS3(log);
  } finally {
    release();
  }
}

/** `pg_ctl restart` of this checkout's Postgres (keeps .stack/pids current; `down` still finds it). */
export async function restartComponent(component: 'postgres', opts: { log?: Log } = {}): Promise<void> {
  const log = opts.log ?? defaultLog;
  const release = await acquireLock(log, 120_000);
  try {
    if (component === 'postgres') await restartPostgres(log);
  } finally {
    release();
  }
}

/**
 * Sends a signal to one component's main process: SIGKILL (a crash), SIGSTOP/SIGCONT (a freeze: the
 * process holds its connections and answers nothing). Postgres is not killed this way — a test
 * cluster runs without fsync, where a crash may corrupt it — so only the Java servers take it.
 * Answers the pid signalled.
 */
export function signalComponent(component: Exclude<Component, 'postgres'>, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): number {
  const pid = readPid(component);
  if (pid === undefined || !isOurs(pid, component)) throw new StackError(component, `not running: cannot send ${signal}`);
  process.kill(pid, signal);
  return pid;
}

/** The main pid of a component when it runs (the postmaster for Postgres). */
export function componentPid(component: Component): number | undefined {
  if (component === 'postgres') return postgresPid();
  const pid = readPid(component);
  return pid !== undefined && isOurs(pid, component) ? pid : undefined;
}

export type ComponentStatus = {
  component: Component;
  state: 'running' | 'stopped' | 'external' | 'not answering';
  pid?: number;
  address: string;
  log: string;
};

/** One row per component: running (our pid alive and its port answering), stopped, or external. */
export async function stackStatus(): Promise<ComponentStatus[]> {
  const ports: Ports = readPorts();
  const pg = await postgresStatus(ports.postgres);
  const rows: ComponentStatus[] = [{ component: 'postgres', ...pg, log: shown(logPath('postgres')) }];
  const javaServers: [Component, number, string][] = [
    ['kafka', ports.kafka, `${host}:${ports.kafka}`],
    ['registry', ports.registry, registryUrl(ports.registry)],
    ['s3', ports.s3, `http://${host}:${ports.s3}`],
  ];
  for (const [component, port, address] of javaServers) {
    const pid = readPid(component);
    const log = shown(logPath(component));
    if (pid === undefined || !isOurs(pid, component)) {
      rows.push({ component, state: 'stopped', address, log });
    } else {
      rows.push({ component, state: (await portAnswers(port)) ? 'running' : 'not answering', pid, address, log });
    }
  }
  return rows;
}

/**
 * One `up`/`down` at a time per checkout: parallel test workers may all call ensureStack, and
 * two of them must not both start a Kafka. A lock file holding the owner's pid; a lock whose
 * owner died is taken over.
 */
async function acquireLock(log: Log, timeoutMs: number): Promise<() => void> {
  fs.mkdirSync(stackDir, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner: number;
    try {
      owner = Number(fs.readFileSync(lockFile, 'utf8').trim());
    } catch {
      continue; // released between our two calls
    }
    if (!Number.isInteger(owner) || owner <= 0 || !isAlive(owner)) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (!told) {
      log(`waiting for another stack command (pid ${owner}) to finish`);
      told = true;
    }
    if (Date.now() > deadline) throw new StackError('lock', `another stack command (pid ${owner}) holds ${shown(lockFile)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export { kafkaVersion, apicurioVersion, s3proxyVersion };
