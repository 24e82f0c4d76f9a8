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
    } finally {
      await system.stop();
    }
    for (const lines of Object.values(system.output)) {
      expect(lines.some((l) => l.includes('"msg":"shutdown complete"'))).toBe(true);
    }
  });
});
