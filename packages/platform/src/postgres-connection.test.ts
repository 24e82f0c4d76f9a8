import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ConfigError, loadConfig, platformEnv } from './config';
import { parsePostgresUrl, pgClientConfig, PostgresUrlError } from './postgres-connection';

function refusal(url: string): string {
  try {
    parsePostgresUrl(url);
    return 'accepted';
  } catch (error) {
    return error instanceof PostgresUrlError ? error.message : `not a PostgresUrlError: ${String(error)}`;
  }
}

describe('parsePostgresUrl', () => {
  it('When the URL has no sslmode, then the connection is plain text, with the parts decoded', () => {
    const c = parsePostgresUrl('postgres://app%40x:p%3Ass%2Fw@db.internal:6543/market%20bill');
    expect(c).toMatchObject({ host: 'db.internal', port: 6543, user: 'app@x', password: 'p:ss/w', database: 'market bill', sslMode: 'disable', ssl: false });
    expect(c.connectionTimeoutMillis).toBe(10_000);
  });

  it('When sslmode=require, then TLS is on and the certificate is not verified', () => {
    expect(parsePostgresUrl('postgresql://u@h/db?sslmode=require')).toMatchObject({ sslMode: 'require', ssl: { rejectUnauthorized: false } });
  });

  it('When sslmode=verify-full has no CA, then the system CAs verify the chain and the host name', () => {
    const c = parsePostgresUrl('postgres://u@10.0.0.5:5432/db?sslmode=verify-full');
    expect(c.sslMode).toBe('verify-full');
    // `host` is what Node checks the certificate against: the address itself, not "localhost".
    expect(c.ssl).toEqual({ rejectUnauthorized: true, host: '10.0.0.5' });
  });

  it('When a mode may fall back to plain text (allow, prefer), or is unknown, then the URL is refused', () => {
    expect(refusal('postgres://u@h/db?sslmode=prefer')).toMatch(/may fall back to plain text/);
    expect(refusal('postgres://u@h/db?sslmode=allow')).toMatch(/may fall back to plain text/);
    expect(refusal('postgres://u@h/db?sslmode=on')).toMatch(/unknown sslmode=on/);
  });

  it('When verify-ca has no CA file, or a CA comes without TLS, then the URL is refused', () => {
    expect(refusal('postgres://u@h/db?sslmode=verify-ca')).toMatch(/verify-ca without sslrootcert/);
    expect(refusal('postgres://u@h/db?sslrootcert=/ca.pem')).toMatch(/sslrootcert but sslmode=disable/);
    expect(refusal('postgres://u@h/db?sslmode=require&sslrootcert=system')).toMatch(/verify-full only/);
  });

  it('When the CA file cannot be read, then the URL is refused naming the file', () => {
    expect(refusal('postgres://u@h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem')).toMatch(/sslrootcert \/nonexistent\/ca\.pem cannot be read \(ENOENT\)/);
  });

  it('When the URL carries parameters we do not honour (client certificates), then it is refused rather than silently ignored', () => {
    expect(refusal('postgres://u@h/db?sslmode=require&sslcert=/c.pem&sslkey=/k.pem')).toMatch(/do not honour: sslcert, sslkey/);
  });

  it('When connect_timeout is given, then it bounds connecting; nonsense is refused', () => {
    expect(parsePostgresUrl('postgres://u@h/db?connect_timeout=3').connectionTimeoutMillis).toBe(3_000);
    expect(refusal('postgres://u@h/db?connect_timeout=0')).toMatch(/connect_timeout=0/);
  });

  it('When a pg client config is made, then the component name wins over the URL’s application_name', () => {
    expect(pgClientConfig('postgres://u:pw@h/db?application_name=from-url', 'billing-outbox-relay')).toMatchObject({
      host: 'h',
      user: 'u',
      password: 'pw',
      database: 'db',
      ssl: false,
      application_name: 'billing-outbox-relay',
    });
    expect(pgClientConfig('postgres://u@h/db?application_name=from-url').application_name).toBe('from-url');
  });
});

describe('DATABASE_URL in the configuration', () => {
  const schema = z.object({ DATABASE_URL: platformEnv.DATABASE_URL });

  it('When DATABASE_URL asks for a mode we cannot honour, then start-up fails naming the key and never the password', () => {
    let error: unknown;
    try {
      loadConfig(schema, { DATABASE_URL: 'postgres://u:secret-password@h/db?sslmode=prefer' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).problems.join('\n');
    expect(text).toMatch(/^DATABASE_URL: has sslmode=prefer/);
    expect(text).not.toMatch(/secret-password/);
  });
});
