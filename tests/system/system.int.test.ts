import { describe, expect, it, jest } from '@jest/globals';
import { query, startSystem } from '@marketbill/testing';

jest.setTimeout(180_000);

describe('the whole system on the shared stack', () => {
  it('When all five services start isolated from everything else, then each becomes ready and stops cleanly', async () => {
    const system = await startSystem();
    try {
      for (const url of Object.values(system.urls)) {
        const ready = await fetch(`${url}/health/ready`);
        expect(ready.status).toBe(200);
        // Readiness is what the pod can serve (its database); Kafka and the outbox are in the detail.
        const checks = ((await ready.json()) as { status: string; checks: Record<string, string> }).checks;
        expect(checks).toMatchObject({ database: 'ok', startup: 'ok' });
        expect(checks).not.toHaveProperty('messaging');
        const detail = (await (await fetch(`${url}/health/detail`)).json()) as { status: string; components: Record<string, { status: string }> };
        expect(detail.components.messaging).toMatchObject({ kafka: { producerConnected: true } });
        expect(detail.components.presence).toMatchObject({ status: 'ok', held: true });
        const metrics = await (await fetch(`${url}/metrics`)).text();
        expect(metrics).toContain('marketbill_ready 1');
        expect(metrics).toMatch(/marketbill_outbox_backlog_events\{service="[a-z-]+"\} \d+/);
      }
      // Each caller has its own credential per callee: the token ordering uses for catalog (as if
      // it leaked from catalog's settings) opens neither billing nor the notifier.
      const admin = { 'x-marketbill-actor': Buffer.from(JSON.stringify({ accountId: '3f8a9b0c-1d2e-4f5a-8b6c-7d8e9f0a1b2c', role: 'ADMIN' })).toString('base64url') };
      const asCatalogCaller = { authorization: `Bearer ${system.env.ordering.CATALOG_API_TOKEN}`, ...admin };
      expect((await fetch(`${system.urls.catalog}/internal/v1/items`, { headers: asCatalogCaller })).status).toBe(200);
      const billing = await fetch(`${system.urls.billing}/internal/v1/statements`, { headers: asCatalogCaller });
      expect([billing.status, ((await billing.json()) as { code: string }).code]).toEqual([401, 'invalid-token']);
      expect((await fetch(`${system.urls.notifier}/internal/v1/deliveries`, { headers: asCatalogCaller })).status).toBe(401);
      const rightToken = { authorization: `Bearer ${system.env.ordering.BILLING_API_TOKEN}`, ...admin };
      expect((await fetch(`${system.urls.billing}/internal/v1/statements`, { headers: rightToken })).status).toBe(200);

      // Each service connects as its own role: ordering's cannot read or write billing's tables.
      const asOrdering = (sql: string) =>
        query(system.env.ordering.DATABASE_URL as string, sql).then(
          () => 'ok',
          (error: { code: string }) => error.code,
        );
      const billingSchema = system.env.billing.DATABASE_SCHEMA;
      expect(await asOrdering(`select count(*) from "${system.env.ordering.DATABASE_SCHEMA}".orders`)).toBe('ok');
      expect(await asOrdering(`select * from "${billingSchema}".ledger_entry`)).toBe('42501');
      expect(await asOrdering(`update "${billingSchema}".ledger_account set balance = 0`)).toBe('42501');
      expect(await asOrdering(`select * from "${system.env.notifier.DATABASE_SCHEMA}".delivery`)).toBe('42501');
      expect(new URL(system.env.ordering.DATABASE_URL as string).username).toBe('ordering_test');
    } finally {
      await system.stop();
    }
    for (const lines of Object.values(system.output)) {
      expect(lines.some((l) => l.includes('"msg":"shutdown complete"'))).toBe(true);
    }
  });
});
