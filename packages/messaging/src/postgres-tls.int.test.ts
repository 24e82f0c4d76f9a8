import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { checkDatabase, createLogger, createOrm, migrate, pgClientConfig, type Orm } from '@marketbill/platform';
import { TOPICS, type TopicEvents } from '@marketbill/schemas';
import { dropSchema, secureStack, stackEnv, uniqueName, waitFor, type SecureStack } from '@marketbill/testing';
import { bindTopics, createEventCodec, createKafka, createOutboxRelay, createProducer, createRegistryClient, createTopicNaming, messagingMigrations, OutboxMessageSchema } from './index';

const topics = bindTopics<TopicEvents>(TOPICS);

// Against the local stack's Postgres, which offers TLS with a certificate for IP 127.0.0.1 signed by
// the stack's CA, and has a role (mb_tls_only) that pg_hba refuses without TLS: whatever connects as
// that role and succeeds negotiated TLS. See docs/postgres-tls.md.
const secure = secureStack();
const env = stackEnv();
const logger = createLogger({ service: 'postgres-tls-test', level: 'silent' });

/** The TLS-only role's URL with the given query (sslmode=…). */
function tlsOnlyUrl(stack: SecureStack, query: Record<string, string>, host?: string): string {
  const url = new URL(stack.postgresTlsOnlyUrl as string);
  if (host) url.hostname = host;
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.href;
}

async function sslOfSession(url: string): Promise<{ ssl: boolean; version: string | null }> {
  const client = new Client(pgClientConfig(url, 'postgres-tls-test'));
  await client.connect();
  try {
    const { rows } = await client.query<{ ssl: boolean; version: string | null }>('select ssl, version from pg_stat_ssl where pid = pg_backend_pid()');
    return rows[0] as { ssl: boolean; version: string | null };
  } finally {
    await client.end();
  }
}

async function connectError(config: ConstructorParameters<typeof Client>[0]): Promise<{ code?: string; message: string }> {
  const client = new Client(config);
  try {
    await client.connect();
    await client.end();
    return { message: 'connected' };
  } catch (error) {
    await client.end().catch(() => undefined);
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  }
}

const describeSecure = secure.stack?.postgresTlsOnlyUrl ? describe : describe.skip;
if (!secure.stack?.postgresTlsOnlyUrl) {
  // Said out loud, not skipped silently: an external Postgres has no TLS-only role of ours.
  process.stderr.write(`postgres-tls.int.test: skipped: ${secure.reason ?? 'the stack runs an external Postgres'}\n`);
}

describeSecure('Postgres TLS from DATABASE_URL: plain pg clients', () => {
  const stack = secure.stack as SecureStack;

  it('When the URL has no sslmode, then the TLS-only role is refused (the trap every other test relies on)', async () => {
    const failure = await connectError(pgClientConfig(tlsOnlyUrl(stack, {})));
    expect(failure.code).toBe('28000');
    expect(failure.message).toMatch(/no encryption/);
  });

  it('When sslmode=require, then the session negotiates TLS without checking the certificate', async () => {
    const session = await sslOfSession(tlsOnlyUrl(stack, { sslmode: 'require' }));
    expect(session.ssl).toBe(true);
    expect(session.version).toMatch(/^TLSv1\.[23]$/);
  });

  it('When verify-full trusts the stack CA, then it connects to 127.0.0.1 (the address the certificate names)', async () => {
    const session = await sslOfSession(tlsOnlyUrl(stack, { sslmode: 'verify-full', sslrootcert: stack.caFile }));
    expect(session.ssl).toBe(true);
  });

  it('When verify-full trusts another CA, then the connection is refused', async () => {
    const failure = await connectError(pgClientConfig(tlsOnlyUrl(stack, { sslmode: 'verify-full', sslrootcert: stack.otherCaFile })));
    expect(failure.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('When require is given a CA (sslrootcert), then, as in libpq, the chain is verified: another CA is refused', async () => {
    const failure = await connectError(pgClientConfig(tlsOnlyUrl(stack, { sslmode: 'require', sslrootcert: stack.otherCaFile })));
    expect(failure.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect((await sslOfSession(tlsOnlyUrl(stack, { sslmode: 'require', sslrootcert: stack.caFile }))).ssl).toBe(true);
  });

  it('When the host name is not in the certificate (localhost), then verify-full refuses and verify-ca accepts', async () => {
    const failure = await connectError(pgClientConfig(tlsOnlyUrl(stack, { sslmode: 'verify-full', sslrootcert: stack.caFile }, 'localhost')));
    expect(failure.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect((await sslOfSession(tlsOnlyUrl(stack, { sslmode: 'verify-ca', sslrootcert: stack.caFile }, 'localhost'))).ssl).toBe(true);
  });

  it('When pg itself is given the URL, then sslmode=require means "verify the certificate" (why we parse the URL ourselves)', async () => {
    const failure = await connectError({ connectionString: tlsOnlyUrl(stack, { sslmode: 'require' }) });
    expect(failure.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});

describeSecure('Postgres TLS from DATABASE_URL: MikroORM, the migration lock and the outbox relay', () => {
  const stack = secure.stack as SecureStack;
  const schema = uniqueName('pgtls');
  let orm: Orm;

  beforeAll(async () => {
    orm = await createOrm({
      url: tlsOnlyUrl(stack, { sslmode: 'verify-full', sslrootcert: stack.caFile }),
      schema,
      entities: [OutboxMessageSchema],
      migrations: messagingMigrations,
      applicationName: 'pgtls-orm',
    });
  });

  afterAll(async () => {
    await orm.close();
    await dropSchema(env.DATABASE_URL, schema);
  });

  it('When MikroORM is handed the URL itself (clientUrl), then it drops ?sslmode=require and connects in plain text', async () => {
    const bare = await MikroORM.init<PostgreSqlDriver>({
      driver: PostgreSqlDriver,
      clientUrl: tlsOnlyUrl(stack, { sslmode: 'require' }),
      entities: [OutboxMessageSchema],
      connect: false,
      ensureDatabase: false,
      discovery: { warnWhenNoEntities: false },
    });
    try {
      const result = await bare.em.getConnection().checkConnection();
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.reason).toMatch(/no encryption/);
    } finally {
      await bare.close();
    }
  });

  it('When the service database is migrated through createOrm, then the lock session and the ORM pool both use TLS', async () => {
    await checkDatabase(orm);
    const applied = await migrate(orm, tlsOnlyUrl(stack, { sslmode: 'verify-full', sslrootcert: stack.caFile }), logger);
    expect(applied.length).toBe(messagingMigrations.length);
    const [row] = await orm.em.getConnection().execute<Array<{ ssl: boolean; application_name: string }>>(
      'select s.ssl, a.application_name from pg_stat_ssl s join pg_stat_activity a using (pid) where pid = pg_backend_pid()',
    );
    expect(row).toEqual({ ssl: true, application_name: 'pgtls-orm' });
  });

  it('When the outbox relay runs on a TLS URL, then its own session is encrypted and it becomes the active relay', async () => {
    const naming = createTopicNaming(topics, `${schema}.`);
    const relay = createOutboxRelay({
      databaseUrl: tlsOnlyUrl(stack, { sslmode: 'require' }),
      schema,
      // Never used here: the outbox stays empty, the test is about the relay's database session.
      producer: createProducer(createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'pgtls-test', logger })),
      codec: createEventCodec(createRegistryClient(env.SCHEMA_REGISTRY_URL), naming),
      naming,
      logger,
      service: `pgtls-${schema}`,
    });
    relay.start();
    try {
      await waitFor(() => relay.status().active, { description: 'the relay to take its lock' });
      const [row] = await orm.em.getConnection().execute<Array<{ ssl: boolean }>>(
        'select s.ssl from pg_stat_ssl s join pg_stat_activity a using (pid) where a.application_name = ?',
        [`pgtls-${schema}-outbox-relay`],
      );
      expect(row).toEqual({ ssl: true });
    } finally {
      await relay.stop();
    }
  });
});
