// PostgreSQL 15 from Debian, as a private cluster of this checkout (or an existing server).
//
// With DATABASE_URL set, that server is used and nothing is started: we only make sure the
// `registry` database (Apicurio's storage) exists next to the one the URL names.
//
// Otherwise: a cluster in .stack/postgres/data on its own port, trust auth on 127.0.0.1 (initdb -A
// trust), sockets inside .stack so it never touches /var/run/postgresql. initdb and the server
// refuse to run as root, so when we are root they run as the `postgres` OS user (runuser) and the
// cluster folder belongs to it. Databases: `marketbill` (each service has its own schema in it) and
// `registry`.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { componentDir, logPath, logsDir, shown, stackDir } from './paths.ts';
import { ensureDebianPackages } from './debian.ts';
import { host, portAnswers } from './ports.ts';
import { isAlive, readPid, removePid, run, StackError, which, writePid, type Log, type RunResult } from './process.ts';
import type { TlsFiles } from './tls.ts';

const component = 'postgres';
const isRoot = process.getuid?.() === 0;

export type PostgresInfo = {
  /** What services use: postgres://postgres@127.0.0.1:<port>/marketbill, or the given DATABASE_URL. */
  databaseUrl: string;
  /** Apicurio's storage, in JDBC form (the JDBC driver takes user and password separately). */
  registry: { jdbcUrl: string; username: string; password: string };
  external: boolean;
  reused: boolean;
};

export type PostgresOptions = { port: number; fast: boolean; timeoutMs: number; log: Log; tls: TlsFiles };

/**
 * A role that may connect over TLS only (pg_hba: `hostnossl … reject`). A service run as this role
 * proves that every connection it opens — ORM pool, migration lock, outbox relay, LISTEN
 * sessions — negotiates TLS: one plain-text connection is refused.
 */
export const tlsOnlyRole = 'mb_tls_only';
const hbaMarker = '# marketbill stack: TLS-only role';

/** Server settings given on the command line (pg_ctl -o), so the generated config lives in code. */

/**
 * runuser lives in /usr/sbin (util-linux), which a non-login root shell or a CI runner's PATH may
 * not include: look there too rather than failing with ENOENT.
 */
function runuser(): string {
  return which('runuser') ?? ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => fs.existsSync(p)) ?? 'runuser';
}

/** Where the server reads its certificate and key (a copy it owns: it refuses a key others can read). */
function serverTlsFiles(l: Layout): { cert: string; key: string } {
  return { cert: path.join(l.home, 'tls', 'server.pem'), key: path.join(l.home, 'tls', 'server.key') };
}

function serverSettings(fast: boolean, tls: { cert: string; key: string }): string[] {
  const settings = [
    'listen_addresses=127.0.0.1',
    // TLS is offered, not required: plain-text clients (the default DATABASE_URL) work as before,
    // and sslmode=require/verify-* clients are tested against a real TLS server.
    'ssl=on',
    `ssl_cert_file='${tls.cert}'`,
    `ssl_key_file='${tls.key}'`,
    // Every service holds a pool, tests open more; 100 (the default) runs out quickly.
    'max_connections=300',
    'shared_buffers=256MB',
    "log_line_prefix='%m [%p] %q%u@%d '",
  ];
  // Only for throw-away test data: a crash can corrupt the cluster.
  if (fast) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
  return settings;
}

// ---------------------------------------------------------------------------------------------
// binaries

let cachedBinDir: string | undefined;

/** The PostgreSQL bin folder; installs Debian's postgresql when it is missing and we are root. */
async function binDir(log: Log): Promise<string> {
  if (cachedBinDir) return cachedBinDir;
  const found = findBinDir();
  if (found) return (cachedBinDir = found);
  await ensureDebianPackages(component, [{ name: 'postgresql', provides: '/usr/lib/postgresql/15/bin/initdb' }], log);
  const installed = findBinDir();
  if (!installed) throw new StackError(component, 'apt-get install postgresql finished but no /usr/lib/postgresql/*/bin/initdb exists');
  return (cachedBinDir = installed);
}

function findBinDir(): string | undefined {
  if (process.env.MB_PG_BIN && fs.existsSync(path.join(process.env.MB_PG_BIN, 'initdb'))) return process.env.MB_PG_BIN;
  if (fs.existsSync('/usr/lib/postgresql/15/bin/initdb')) return '/usr/lib/postgresql/15/bin';
  // Another Debian release ships another major: take the newest rather than failing.
  let versions: number[];
  try {
    versions = fs.readdirSync('/usr/lib/postgresql').map(Number).filter((v) => Number.isInteger(v));
  } catch {
    return undefined;
  }
  for (const v of versions.sort((a, b) => b - a)) {
    if (fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)) return `/usr/lib/postgresql/${v}/bin`;
  }
  return undefined;
}

function lastLines(r: RunResult, n: number): string {
  return `${r.stdout}${r.stderr}`.trim().split('\n').slice(-n).join('\n');
}

/** Runs a server binary as the `postgres` OS user when we are root (initdb/postgres refuse root). */
function asPostgres(bin: string, args: string[], detached = false): Promise<RunResult> {
  return isRoot ? run(runuser(), ['-u', 'postgres', '--', bin, ...args], { detached }) : run(bin, args, { detached });
}

// ---------------------------------------------------------------------------------------------
// folders

type Layout = { home: string; data: string; sockets: string; log: string };

/**
 * The cluster lives in .stack/postgres. When we are root and the `postgres` user cannot even
 * traverse to .stack (a checkout under /root, mode 700), the cluster goes to a folder under
 * /var/tmp keyed by the checkout path instead, and .stack/postgres plus .stack/logs/postgres.log
 * become symlinks to it, so the rest of the tooling looks in the same places.
 * The socket folder moves to /tmp when its path would pass the 107-byte limit of a Unix socket.
 */
async function layout(log: Log): Promise<Layout> {
  const linkHome = componentDir(component);
  let home = linkHome;
  let pgLog = logPath(component);
  fs.mkdirSync(stackDir, { recursive: true });
  if (isRoot && !fs.existsSync(path.join(linkHome, 'data', 'PG_VERSION')) && !fs.lstatSync(linkHome, { throwIfNoEntry: false })?.isSymbolicLink()) {
    const reach = await run(runuser(), ['-u', 'postgres', '--', 'test', '-x', stackDir]);
    if (reach.code !== 0) {
      const key = createHash('sha256').update(stackDir).digest('hex').slice(0, 10);
      const away = path.join('/var/tmp', `marketbill-stack-${key}`, component);
      log(`postgres: user postgres cannot reach ${stackDir}; the cluster goes to ${away} (symlinked from .stack/postgres)`);
      fs.mkdirSync(away, { recursive: true });
      fs.rmSync(linkHome, { recursive: true, force: true });
      fs.symlinkSync(away, linkHome);
    }
  }
  if (fs.lstatSync(linkHome, { throwIfNoEntry: false })?.isSymbolicLink()) {
    home = fs.realpathSync(linkHome);
    pgLog = path.join(home, 'postgres.log');
    fs.mkdirSync(logsDir, { recursive: true });
    if (!fs.lstatSync(logPath(component), { throwIfNoEntry: false })) fs.symlinkSync(pgLog, logPath(component));
  }
  let sockets = path.join(home, 'run');
  if (Buffer.byteLength(sockets) + '/.s.PGSQL.65535'.length > 107) {
    sockets = path.join(os.tmpdir(), `marketbill-pg-${createHash('sha256').update(home).digest('hex').slice(0, 10)}`);
  }
  return { home, data: path.join(home, 'data'), sockets, log: pgLog };
}

async function prepareFolders(l: Layout): Promise<void> {
  for (const dir of [l.home, l.sockets, path.dirname(l.log)]) fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(l.log)) fs.writeFileSync(l.log, '');
  if (isRoot) {
    // The server writes its log (pg_ctl -l) and socket, and initdb wants an empty or missing
    // data folder it owns: hand the cluster folder, socket folder and log file to postgres.
    const owner = await run('id', ['-u', 'postgres']);
    if (owner.code !== 0) {
      throw new StackError(component, 'there is no `postgres` OS user: install Debian\'s postgresql package (it creates one)');
    }
    const uid = Number(owner.stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    for (const dir of [l.home, l.sockets, l.log]) fs.chownSync(dir, uid, gid);
    if (fs.existsSync(l.data)) fs.chownSync(l.data, uid, gid);
  }
}

/** Copies the stack's server certificate and key where the server (user postgres when we are root) owns them. */
async function installTlsFiles(l: Layout, tls: TlsFiles): Promise<void> {
  const target = serverTlsFiles(l);
  fs.mkdirSync(path.dirname(target.cert), { recursive: true, mode: 0o700 });
  fs.copyFileSync(tls.serverCertFile, target.cert);
  fs.copyFileSync(tls.serverKeyFile, target.key);
  fs.chmodSync(target.key, 0o600);
  if (isRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    for (const f of [path.dirname(target.cert), target.cert, target.key]) fs.chownSync(f, uid, gid);
  }
}

/**
 * The TLS-only role and its pg_hba rule (first, so it wins over the trust rules initdb wrote), and
 * TLS itself on a server started before the stack offered it (both settings reload without a restart).
 */
async function configureTls(bin: string, adminUrl: string, l: Layout, log: Log): Promise<void> {
  const psqlBin = path.join(bin, 'psql');
  const hba = path.join(l.data, 'pg_hba.conf');
  const text = fs.readFileSync(hba, 'utf8');
  if (!text.includes(hbaMarker)) fs.writeFileSync(hba, `${hbaMarker}\nhostnossl all ${tlsOnlyRole} all reject\n${text}`);
  await psql(
    psqlBin,
    adminUrl,
    `do $$ begin if not exists (select from pg_roles where rolname = '${tlsOnlyRole}') then create role ${tlsOnlyRole} login; end if; end $$`,
  );
  for (const db of ['marketbill']) await psql(psqlBin, withDatabase(new URL(adminUrl), db).href, `grant all on database ${db} to ${tlsOnlyRole}; grant all on schema public to ${tlsOnlyRole}`);
  if ((await psql(psqlBin, adminUrl, 'show ssl')) !== 'on') {
    log('postgres: the running server predates TLS in the stack: switching it on (alter system, reload)');
    const files = serverTlsFiles(l);
    await psql(psqlBin, adminUrl, `alter system set ssl_cert_file = '${files.cert}'`);
    await psql(psqlBin, adminUrl, `alter system set ssl_key_file = '${files.key}'`);
    await psql(psqlBin, adminUrl, 'alter system set ssl = on');
  }
  await psql(psqlBin, adminUrl, 'select pg_reload_conf()');
}

// ---------------------------------------------------------------------------------------------
// SQL through psql (the tools use no npm packages, and psql comes with the server)

async function psql(bin: string, url: string, sql: string): Promise<string> {
  const result = await run(bin, ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql]);
  if (result.code !== 0) throw new Error(`psql: ${lastLines(result, 5)}`);
  return result.stdout.trim();
}

async function ensureDatabase(psqlBin: string, adminUrl: string, name: string): Promise<void> {
  const exists = await psql(psqlBin, adminUrl, `select 1 from pg_database where datname = '${name}'`);
  if (exists !== '1') await psql(psqlBin, adminUrl, `create database ${name}`);
}

function withDatabase(url: URL, database: string): URL {
  const copy = new URL(url.href);
  copy.pathname = `/${database}`;
  return copy;
}

function jdbcOf(url: URL): PostgresInfo['registry'] {
  return {
    jdbcUrl: `jdbc:postgresql://${url.hostname}:${url.port || '5432'}${url.pathname}${url.search}`,
    username: decodeURIComponent(url.username) || 'postgres',
    // trust auth ignores it, but the Apicurio/Agroal datasource wants a value
    password: decodeURIComponent(url.password) || 'postgres',
  };
}

// ---------------------------------------------------------------------------------------------
// up / down / status

export async function ensurePostgres(o: PostgresOptions): Promise<PostgresInfo> {
  const given = process.env.DATABASE_URL;
  if (given) return useExisting(given, o);

  const bin = await binDir(o.log);
  const l = await layout(o.log);
  await prepareFolders(l);
  await installTlsFiles(l, o.tls);
  const local = new URL(`postgres://postgres@${host}:${o.port}/marketbill`);
  const adminUrl = withDatabase(local, 'postgres').href;
  const info: PostgresInfo = { databaseUrl: local.href, registry: jdbcOf(withDatabase(local, 'registry')), external: false, reused: false };

  const running = postmaster(l.data);
  if (running && isAlive(running.pid)) {
    if (running.port !== o.port) {
      throw new StackError(component, `the cluster in ${shown(l.data)} already runs on port ${running.port}, not ${o.port}: run \`stack down\` first`, l.log);
    }
    if (await portAnswers(o.port)) {
      writePid(component, running.pid);
      await createDatabases(bin, adminUrl, l.log);
      await configureTls(bin, adminUrl, l, o.log);
      const fsync = await psql(path.join(bin, 'psql'), adminUrl, 'show fsync').catch(() => 'unknown');
      if ((fsync === 'off') !== o.fast) {
        o.log(`postgres: note: already running with fsync=${fsync}; \`stack down\` then \`stack up${o.fast ? ' --fast' : ''}\` to change it`);
      }
      return { ...info, reused: true };
    }
  } else if (await portAnswers(o.port)) {
    throw new StackError(component, `port ${o.port} is taken by another program; set MB_PG_PORT to a free port`);
  }

  if (!fs.existsSync(path.join(l.data, 'PG_VERSION'))) {
    o.log(`postgres: initdb ${shown(l.data)}`);
    fs.rmSync(l.data, { recursive: true, force: true });
    const init = await asPostgres(path.join(bin, 'initdb'), ['-D', l.data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8']);
    if (init.code !== 0) throw new StackError(component, `initdb failed (exit ${init.code}):\n${lastLines(init, 10)}`);
  }

  const opts = [`-p ${o.port}`, `-k '${l.sockets}'`, ...serverSettings(o.fast, serverTlsFiles(l)).map((s) => `-c ${s}`)].join(' ');
  fs.appendFileSync(l.log, `\n===== marketbill stack: starting postgres at ${new Date().toISOString()}${o.fast ? ' (fast: fsync off)' : ''} =====\n`);
  // detached: the postmaster gets its own session, so a signal to the group of the process that
  // ran `up` (Ctrl-C in a test run) does not reach the database.
  const start = await asPostgres(
    path.join(bin, 'pg_ctl'),
    ['-D', l.data, '-l', l.log, '-w', '-t', String(Math.ceil(o.timeoutMs / 1000)), '-o', opts, 'start'],
    true,
  );
  const started = postmaster(l.data);
  if (start.code !== 0 || !started) {
    throw new StackError(component, `pg_ctl start failed (exit ${start.code}): ${lastLines(start, 3)}`, l.log);
  }
  writePid(component, started.pid);
  await createDatabases(bin, adminUrl, l.log);
  await configureTls(bin, adminUrl, l, o.log);
  return info;
}

async function createDatabases(bin: string, adminUrl: string, log: string): Promise<void> {
  try {
    for (const name of ['marketbill', 'registry']) await ensureDatabase(path.join(bin, 'psql'), adminUrl, name);
  } catch (err) {
    throw new StackError(component, `could not create databases: ${(err as Error).message}`, log, { cause: err });
  }
}

async function useExisting(given: string, o: PostgresOptions): Promise<PostgresInfo> {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new StackError(component, 'DATABASE_URL is not a URL (expected postgres://user:password@host:port/database)');
  }
  o.log(`postgres: using DATABASE_URL (${url.hostname}:${url.port || 5432}${url.pathname}); starting none`);
  const serverBin = findBinDir();
  const psqlBin = serverBin ? path.join(serverBin, 'psql') : which('psql');
  if (!psqlBin) {
    throw new StackError(component, 'psql is needed to create the `registry` database on the DATABASE_URL server: apt-get install -y postgresql-client');
  }
  try {
    await ensureDatabase(psqlBin, given, 'registry');
  } catch (err) {
    throw new StackError(component, `could not reach DATABASE_URL or create database "registry" there: ${(err as Error).message}`, undefined, { cause: err });
  }
  return { databaseUrl: given, registry: jdbcOf(withDatabase(url, 'registry')), external: true, reused: true };
}

/** pid and port from the server's own postmaster.pid (lines 1 and 4). */
function postmaster(data: string): { pid: number; port: number } | undefined {
  try {
    const lines = fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n');
    return { pid: Number(lines[0]), port: Number(lines[3]) };
  } catch {
    return undefined;
  }
}

export async function stopPostgres(log: Log): Promise<void> {
  const pid = readPid(component);
  if (pid === undefined) return;
  const data = path.join(componentDir(component), 'data');
  const running = postmaster(data);
  if (running && running.pid === pid && isAlive(pid)) {
    const bin = findBinDir();
    if (!bin) throw new StackError(component, 'pg_ctl not found to stop the cluster');
    log(`postgres: pg_ctl stop -m fast (pid ${pid})`);
    const result = await asPostgres(path.join(bin, 'pg_ctl'), ['-D', fs.realpathSync(data), '-m', 'fast', '-w', '-t', '60', 'stop']);
    if (result.code !== 0) throw new StackError(component, `pg_ctl stop failed: ${lastLines(result, 3)}`, logPath(component));
  }
  removePid(component);
}

export type PostgresStatus = { state: 'running' | 'stopped' | 'external'; pid?: number; address: string };

export async function postgresStatus(port: number): Promise<PostgresStatus> {
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    return { state: 'external', address: `${url.hostname}:${url.port || 5432}${url.pathname}` };
  }
  const running = postmaster(path.join(componentDir(component), 'data'));
  const address = `${host}:${port}`;
  if (running && isAlive(running.pid) && (await portAnswers(running.port))) {
    return { state: 'running', pid: running.pid, address: `${host}:${running.port}` };
  }
  return { state: 'stopped', address };
}
