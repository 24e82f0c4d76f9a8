import { randomBytes } from 'node:crypto';
import { describe, expect, it, jest } from '@jest/globals';
import { startSystem, waitFor } from '@marketbill/testing';

// The stack's Jaeger (tools/stack/jaeger.ts; `npm test` starts it as `npm run up` does and passes
// its addresses here) receives a service's spans over OTLP/HTTP and serves them through its query
// API and its UI address. The system tests keep collecting spans with their own small receiver:
// they assert exact parent links, which a receiver in the test can show at once.
jest.setTimeout(180_000);

// Set by tools/test.ts; the test fails with a clear message without them.
const queryUrl = process.env.MB_JAEGER_QUERY_URL;
const otlpEndpoint = process.env.MB_JAEGER_OTLP_ENDPOINT;

interface JaegerTrace {
  traceID: string;
  spans: Array<{ spanID: string; operationName: string; processID: string; references: Array<{ refType: string; spanID: string }>; tags: Array<{ key: string; value: unknown }> }>;
  processes: Record<string, { serviceName: string }>;
}

describe('the stack’s Jaeger', () => {
  it('When the edge handles a request inside a trace, then Jaeger receives its spans and serves the trace by id, and its UI address serves the viewer for it', async () => {
    if (!queryUrl || !otlpEndpoint) throw new Error('MB_JAEGER_QUERY_URL and MB_JAEGER_OTLP_ENDPOINT are unset: run through `npm test`, which starts the stack’s Jaeger');
    const system = await startSystem({ services: ['ordering'], env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint } });
    try {
      const traceId = randomBytes(16).toString('hex');
      const parentSpanId = randomBytes(8).toString('hex');
      const answer = await fetch(`${system.urls.ordering}/v1/orders`, { headers: { traceparent: `00-${traceId}-${parentSpanId}-01` } });
      expect(answer.status).toBe(401);

      const trace = await waitFor(
        async () => {
          const response = await fetch(`${queryUrl}/api/traces/${traceId}`);
          if (response.status !== 200) return undefined;
          return ((await response.json()) as { data: JaegerTrace[] }).data[0];
        },
        { timeoutMs: 60_000, intervalMs: 500, description: `trace ${traceId} in Jaeger` },
      );
      expect(trace.traceID).toBe(traceId);
      const server = trace.spans.find((s) => s.references.some((r) => r.refType === 'CHILD_OF' && r.spanID === parentSpanId));
      expect(server).toBeDefined();
      expect(trace.processes[server?.processID as string]?.serviceName).toBe('ordering');
      expect(server?.operationName).toMatch(/GET/);
      // The HTTP instrumentation's status attribute (stable or older semantic conventions).
      expect(server?.tags.find((t) => t.key === 'http.response.status_code' || t.key === 'http.status_code')?.value).toBe(401);

      const services = (await (await fetch(`${queryUrl}/api/services`)).json()) as { data: string[] };
      expect(services.data).toContain('ordering');

      // The address `npm run up` and `npm run demo` print: Jaeger serves the viewer page for any trace path.
      const page = await fetch(`${queryUrl}/trace/${traceId}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<title>MarketBill traces</title>');
      expect(html).not.toContain('DEFAULT_VERSION'); // Jaeger filled in its version: its own static handler served it
      expect((await fetch(`${queryUrl}/static/viewer.js`)).status).toBe(200);
    } finally {
      await system.stop();
    }
  });
});
