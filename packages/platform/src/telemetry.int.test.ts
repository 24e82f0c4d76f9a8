import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

// OpenTelemetry patches express and http when they are required, which Jest's own module registry
// bypasses: the spans of a real request are watched in a plain Node process on the build (dist/).
const platformDir = path.resolve(__dirname, '..');

const probe = `
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace');
const { startTelemetry } = require('./dist/telemetry.js');
const exporter = new InMemorySpanExporter();
// Every span that ends, sampled or not (an exporter sees the sampled ones only).
const ended = [];
const recorder = { onStart() {}, onEnd(span) { ended.push({ name: span.name, kind: span.kind, sampled: (span.spanContext().traceFlags & 1) === 1 }); }, forceFlush: async () => {}, shutdown: async () => {} };
startTelemetry({ serviceName: 'probe', spanProcessors: [new SimpleSpanProcessor({ exporter }), recorder] });
const express = require('express');
const { beginWarmUp, createHealth, createHttpApp, createLogger, endWarmUp, finishHttpApp, listen } = require('./dist/index.js');
(async () => {
  const logger = createLogger({ service: 'probe', level: 'silent' });
  const app = createHttpApp({ logger, health: createHealth() });
  const things = express.Router();
  things.get('/things/:id', (req, res) => res.json({ id: req.params.id }));
  app.use('/v1', things);
  finishHttpApp(app, logger);
  const server = await listen(app, 0, '127.0.0.1');
  const response = await fetch(server.url + '/v1/things/42');
  await response.arrayBuffer();
  // A warm-up request (the service's own, with its token): traced the same way, exported never.
  const token = beginWarmUp();
  const warm = await fetch(server.url + '/v1/things/7', { headers: { authorization: 'Bearer ' + token } });
  await warm.arrayBuffer();
  endWarmUp(token);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await server.close();
  const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, kind: s.kind, route: s.attributes['http.route'] ?? null, trace: s.spanContext().traceId }));
  console.log(JSON.stringify({ status: response.status, warmStatus: warm.status, spans, ended }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('tracing of an HTTP request', () => {
  it('When a request is served, then its trace holds the server span with the route and the route handler, and no span per middleware or router layer', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe], { cwd: platformDir, timeout: 60_000 });
    const { status, warmStatus, spans, ended } = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
      status: number;
      warmStatus: number;
      spans: Array<{ name: string; kind: number; route: string | null; trace: string }>;
      ended: Array<{ name: string; kind: number; sampled: boolean }>;
    };
    expect(status).toBe(200);
    const server = spans.filter((s) => s.kind === 1); // SpanKind.SERVER
    expect(server).toHaveLength(1);
    expect(server[0]?.route).toBe('/v1/things/:id');
    const inner = spans.filter((s) => s.kind !== 1 && s.trace === server[0]?.trace).map((s) => s.name);
    expect(inner).toEqual(['request handler']);
    expect(spans.map((s) => s.name).filter((n) => n.startsWith('middleware') || n.startsWith('router'))).toEqual([]);

    // The warm-up request ran the same traced code (its server span and handler span were recorded)
    // but nothing of it was sampled, so the exporter holds the real request's trace only.
    expect(warmStatus).toBe(200);
    expect(ended.filter((s) => !s.sampled).map((s) => `${s.kind} ${s.name}`).sort()).toEqual(['0 request handler', '1 GET /v1/things/:id']);
    expect(new Set(spans.map((s) => s.trace)).size).toBe(1);
    expect(ended.filter((s) => s.sampled)).toHaveLength(spans.length);
  });
});
