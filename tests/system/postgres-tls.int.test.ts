import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { query, secureStack, stackEnv, startSystem, waitFor, type RunningSystem } from '@marketbill/testing';

// A whole service on a Postgres that demands TLS: the stack's mb_tls_only role is refused by
// pg_hba without TLS, so the notifier can only become ready if every session it opens — the
// migration lock, the ORM pool, the outbox relay, the delivery listener — negotiates TLS from
// the sslmode in its DATABASE_URL.
jest.setTimeout(180_000);

const secure = secureStack();
const stack = stackEnv();
let system: RunningSystem | undefined;

afterAll(async () => {
  await system?.stop();
});

const describeSecure = secure.stack?.postgresTlsOnlyUrl ? describe : describe.skip;
if (!secure.stack?.postgresTlsOnlyUrl) process.stderr.write(`postgres-tls system test: skipped: ${secure.reason ?? 'the stack runs an external Postgres'}\n`);

describeSecure('A service on a Postgres that requires TLS', () => {
  it('When DATABASE_URL says sslmode=verify-full with the CA, then the notifier migrates, starts and every session of it is encrypted', async () => {
    const s = secure.stack as NonNullable<typeof secure.stack>;
    const url = new URL(s.postgresTlsOnlyUrl as string);
    url.searchParams.set('sslmode', 'verify-full');
    url.searchParams.set('sslrootcert', s.caFile);
    system = await startSystem({ services: ['notifier'], perService: { notifier: { DATABASE_URL: url.href } } });

    const sessions = await waitFor(
      async () => {
        const rows = await query<{ application_name: string; ssl: boolean }>(
          stack.DATABASE_URL,
          `select a.application_name, s.ssl from pg_stat_activity a join pg_stat_ssl s using (pid)
           where a.usename = 'mb_tls_only' and a.application_name in ('notifier', 'notifier-outbox-relay', 'notifier-delivery-sender')`,
        );
        return new Set(rows.map((r) => r.application_name)).size === 3 ? rows : undefined;
      },
      { description: 'the ORM pool, the relay and the delivery listener connected' },
    );
    expect(sessions.every((r) => r.ssl)).toBe(true);
    expect((await fetch(`${system.urls.notifier}/health/ready`)).status).toBe(200);
  });
});
