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
    } finally {
      await system.stop();
    }
    for (const lines of Object.values(system.output)) {
      expect(lines.some((l) => l.includes('"msg":"shutdown complete"'))).toBe(true);
    }
  });
});
