import { describe, expect, it, jest } from '@jest/globals';
import { startSystem } from '@marketbill/testing';

jest.setTimeout(180_000);

describe('the whole system on the shared stack', () => {
  it('When all five services start isolated from everything else, then each becomes ready and stops cleanly', async () => {
    const system = await startSystem();
    try {
      for (const url of Object.values(system.urls)) {
        const ready = await fetch(`${url}/health/ready`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: 'ok', messaging: 'ok' } });
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
    } finally {
      await system.stop();
    }
    for (const lines of Object.values(system.output)) {
      expect(lines.some((l) => l.includes('"msg":"shutdown complete"'))).toBe(true);
    }
  });
});
