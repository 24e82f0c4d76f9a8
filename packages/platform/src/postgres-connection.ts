import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { ClientConfig } from 'pg';

/**
 * The TLS modes we honour, with libpq's meaning:
 * - `disable`: no TLS (also what an URL without `sslmode` means here, see below);
 * - `require`: TLS, the server certificate is not checked — unless `sslrootcert` is given, which
 *   makes it `verify-ca`, as in libpq;
 * - `verify-ca`: TLS, the server certificate must chain to `sslrootcert`; the host name is not checked;
 * - `verify-full`: TLS, chain and host name are checked (against `sslrootcert`, or the system's CAs
 *   when it is unset or `system`).
 *
 * libpq's `allow` and `prefer` fall back to plain text when the server offers no TLS. Node's `pg`
 * cannot fall back, and a silent fall back is exactly what a TLS setting must not do, so they are
 * refused; without `sslmode` the connection is plain, as it always was with `pg` (libpq would try
 * TLS first).
 */
export type SslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** A Postgres URL taken apart: what `pg` needs, whichever client opens the connection. */
export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  sslMode: SslMode;
  /** The `ssl` option of `pg` (false = plain text). Holds the CA text, never a secret. */
  ssl: false | ConnectionOptions;
  /** Time limit of connecting (TCP, TLS and authentication), from `connect_timeout` (seconds). */
  connectionTimeoutMillis: number;
  /** `application_name` from the URL, if given. */
  applicationName: string | undefined;
}

/** A DATABASE_URL that cannot be used; the message names the problem and never holds the password. */
export class PostgresUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostgresUrlError';
  }
}

const SUPPORTED_PARAMETERS = ['sslmode', 'sslrootcert', 'connect_timeout', 'application_name'] as const;
const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new PostgresUrlError(`sslrootcert ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function hostOf(url: URL): string {
  return decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1');
}

/**
 * Parses a `postgres://user:password@host:port/database?sslmode=…` URL the way libpq reads its TLS
 * parameters. Every client of ours (MikroORM's pool, the migration lock, the outbox relay, LISTEN
 * sessions) connects with the result, so one URL means one behaviour everywhere.
 *
 * Why not hand the URL to the clients: MikroORM 6 keeps only host, port, user, password and
 * database of `clientUrl` (its query string is dropped, TLS with it), and `pg` 8 reads
 * `sslmode=require` as "verify the certificate" unless `uselibpqcompat=true` is added; see
 * docs/postgres-tls.md.
 */
export function parsePostgresUrl(url: string): PostgresConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PostgresUrlError('is not a URL (expected postgres://user:password@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new PostgresUrlError(`has the scheme ${parsed.protocol} (expected postgres: or postgresql:)`);
  }
  const unknown = [...parsed.searchParams.keys()].filter((key) => !(SUPPORTED_PARAMETERS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new PostgresUrlError(`has parameters we do not honour: ${unknown.join(', ')} (supported: ${SUPPORTED_PARAMETERS.join(', ')})`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!parsed.hostname) throw new PostgresUrlError('names no host');
  if (!database) throw new PostgresUrlError('names no database (postgres://…/<database>)');

  const mode = parsed.searchParams.get('sslmode') ?? 'disable';
  const rootCert = parsed.searchParams.get('sslrootcert') ?? undefined;
  let sslMode: SslMode;
  let ssl: false | ConnectionOptions;
  switch (mode) {
    case 'disable':
      if (rootCert) throw new PostgresUrlError('has sslrootcert but sslmode=disable (or no sslmode): set sslmode=verify-full or verify-ca');
      sslMode = 'disable';
      ssl = false;
      break;
    case 'require':
      if (rootCert === 'system') throw new PostgresUrlError('has sslrootcert=system, which libpq allows with sslmode=verify-full only');
      if (rootCert) {
        // libpq: a root certificate given with sslmode=require makes it verify-ca.
        sslMode = 'verify-ca';
        ssl = { rejectUnauthorized: true, ca: readCa(rootCert), checkServerIdentity: () => undefined };
      } else {
        sslMode = 'require';
        ssl = { rejectUnauthorized: false };
      }
      break;
    case 'verify-ca':
      if (!rootCert || rootCert === 'system') {
        throw new PostgresUrlError('has sslmode=verify-ca without sslrootcert=<CA file> (against public CAs it proves little): give the CA, or use verify-full');
      }
      sslMode = 'verify-ca';
      // The chain is checked; the name in the certificate is not (libpq's verify-ca).
      ssl = { rejectUnauthorized: true, ca: readCa(rootCert), checkServerIdentity: () => undefined };
      break;
    case 'verify-full':
      sslMode = 'verify-full';
      // `host` is the name the certificate is checked against. pg 8 sets `servername` only for a
      // host name; for an IP address Node's TLS never learns the address and checks the
      // certificate against "localhost", so a certificate for 127.0.0.1 is refused when
      // connecting to 127.0.0.1 (seen here; docs/postgres-tls.md).
      ssl = { rejectUnauthorized: true, host: hostOf(parsed), ...(rootCert && rootCert !== 'system' ? { ca: readCa(rootCert) } : {}) };
      break;
    case 'allow':
    case 'prefer':
      throw new PostgresUrlError(`has sslmode=${mode}, which may fall back to plain text: use require, verify-ca or verify-full (or disable)`);
    default:
      throw new PostgresUrlError(`has an unknown sslmode=${mode} (disable, require, verify-ca or verify-full)`);
  }

  const timeoutParam = parsed.searchParams.get('connect_timeout');
  let timeoutSeconds = DEFAULT_CONNECT_TIMEOUT_SECONDS;
  if (timeoutParam !== null) {
    timeoutSeconds = Number(timeoutParam);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) throw new PostgresUrlError(`has connect_timeout=${timeoutParam} (whole seconds, at least 1)`);
  }

  return {
    host: hostOf(parsed),
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || 'postgres',
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    sslMode,
    ssl,
    connectionTimeoutMillis: timeoutSeconds * 1000,
    applicationName: parsed.searchParams.get('application_name') ?? undefined,
  };
}

/**
 * The `pg` client configuration for a DATABASE_URL: `new Client(pgClientConfig(url, 'billing-outbox-relay'))`.
 * `applicationName` (what `pg_stat_activity` shows) names the component; the URL's is the fallback.
 */
export function pgClientConfig(url: string, applicationName?: string): ClientConfig {
  const c = parsePostgresUrl(url);
  const name = applicationName ?? c.applicationName;
  return {
    host: c.host,
    port: c.port,
    user: c.user,
    ...(c.password === undefined ? {} : { password: c.password }),
    database: c.database,
    ssl: c.ssl,
    connectionTimeoutMillis: c.connectionTimeoutMillis,
    ...(name ? { application_name: name } : {}),
  };
}
