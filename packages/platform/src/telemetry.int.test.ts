import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import type { TraceSampling } from './config';

// OpenTelemetry patches express and http when they are required, which Jest's own module registry
// bypasses: the spans of real requests are watched in a plain Node process on the build (dist/).
const platformDir = path.resolve(__dirname, '..');

// Four requests to one route, each answering its own trace id: a plain one (a new trace), one
// whose caller's traceparent is sampled, one whose caller's is not, and the service's own warm-up.
const probe = `
const { trace } = require('@opentelemetry/api');
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace');
const { startTelemetry } = require('./dist/telemetry.js');
const exporter = new InMemorySpanExporter();
// Every span that was recorded and ended, sampled or not (an exporter sees the sampled ones only).
const ended = [];
const recorder = { onStart() {}, onEnd(span) { ended.push({ name: span.name, kind: span.kind, trace: span.spanContext().traceId, sampled: (span.spanContext().traceFlags & 1) === 1 }); }, forceFlush: async () => {}, shutdown: async () => {} };
const sampling = process.env.PROBE_SAMPLING ? JSON.parse(process.env.PROBE_SAMPLING) : undefined;
startTelemetry({ serviceName: 'probe', spanProcessors: [new SimpleSpanProcessor({ exporter }), recorder], ...(sampling ? { sampling } : {}) });
const express = require('express');
const { beginWarmUp, createHealth, createHttpApp, createLogger, endWarmUp, finishHttpApp, listen } = require('./dist/index.js');
(async () => {
  const logger = createLogger({ service: 'probe', level: 'silent' });
  const app = createHttpApp({ logger, health: createHealth() });
  const things = express.Router();
  things.get('/things/:id', (req, res) => res.json({ id: req.params.id, trace: trace.getActiveSpan()?.spanContext().traceId ?? null }));
  app.use('/v1', things);
  finishHttpApp(app, logger);
  const server = await listen(app, 0, '127.0.0.1');
  const call = async (id, headers = {}) => {
    const response = await fetch(server.url + '/v1/things/' + id, { headers });
    return { status: response.status, trace: (await response.json()).trace };
  };
  const plain = await call('42');
  const parentSampled = await call('43', { traceparent: '00-${'a'.repeat(32)}-${'b'.repeat(16)}-01' });
  const parentNotSampled = await call('44', { traceparent: '00-${'c'.repeat(32)}-${'d'.repeat(16)}-00' });
  // A warm-up request (the service's own, with its token): traced the same way, exported never.
  const token = beginWarmUp();
  const warm = await call('7', { authorization: 'Bearer ' + token });
  endWarmUp(token);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await server.close();
  const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, kind: s.kind, route: s.attributes['http.route'] ?? null, trace: s.spanContext().traceId }));
  console.log(JSON.stringify({ requests: { plain, parentSampled, parentNotSampled, warm }, spans, ended }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

interface ProbeRequest {
  status: number;
  trace: string | null;
}
interface ProbeResult {
  requests: { plain: ProbeRequest; parentSampled: ProbeRequest; parentNotSampled: ProbeRequest; warm: ProbeRequest };
  spans: Array<{ name: string; kind: number; route: string | null; trace: string }>;
  ended: Array<{ name: string; kind: number; trace: string; sampled: boolean }>;
}

async function runProbe(sampling?: TraceSampling): Promise<ProbeResult & { exported: (r: ProbeRequest) => string[]; recordedOnly: (r: ProbeRequest) => string[] }> {
  const env = { ...process.env, ...(sampling ? { PROBE_SAMPLING: JSON.stringify(sampling) } : {}) };
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe], { cwd: platformDir, env, timeout: 60_000 });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) as string) as ProbeResult;
  for (const r of Object.values(result.requests)) expect(r.status).toBe(200);
  return {
    ...result,
    // The exported spans of one request's trace (kind and name), and its spans recorded but never exported.
    exported: (r) => result.spans.filter((s) => s.trace === r.trace).map((s) => `${s.kind} ${s.name}`).sort(),
    recordedOnly: (r) => result.ended.filter((s) => s.trace === r.trace && !s.sampled).map((s) => `${s.kind} ${s.name}`).sort(),
  };
}

const REQUEST_SPANS = ['0 request handler', '1 GET /v1/things/:id'];

describe('tracing of an HTTP request', () => {
  it('When a request is served, then its trace holds the server span with the route and the route handler, and no span per middleware or router layer', async () => {
    const { requests, spans, exported, recordedOnly } = await runProbe();
    const server = spans.filter((s) => s.kind === 1 && s.trace === requests.plain.trace); // SpanKind.SERVER
    expect(server).toHaveLength(1);
    expect(server[0]?.route).toBe('/v1/things/:id');
    expect(exported(requests.plain)).toEqual(REQUEST_SPANS);
    expect(spans.map((s) => s.name).filter((n) => n.startsWith('middleware') || n.startsWith('router'))).toEqual([]);

    // The default sampler is parent-based and always on: a caller's trace is continued, and its
    // decision kept — sampled, exported under the caller's trace id; not sampled, not exported.
    expect(requests.parentSampled.trace).toBe('a'.repeat(32));
    expect(exported(requests.parentSampled)).toEqual(REQUEST_SPANS);
    expect(requests.parentNotSampled.trace).toBe('c'.repeat(32));
    expect(exported(requests.parentNotSampled)).toEqual([]);

    // The warm-up request ran the same traced code (its server span and handler span were recorded)
    // but nothing of it was sampled, so the exporter holds none of it.
    expect(recordedOnly(requests.warm)).toEqual(REQUEST_SPANS);
    expect(exported(requests.warm)).toEqual([]);
  });

  it('When OTEL_TRACES_SAMPLER is parentbased_traceidratio at 0, then no new trace is kept, a sampled caller still is, and the warm-up is recorded but not exported', async () => {
    const { requests, spans, exported, recordedOnly } = await runProbe({ sampler: 'parentbased_traceidratio', ratio: 0 });
    expect(requests.plain.trace).toMatch(/^[0-9a-f]{32}$/); // the ids still exist (logs carry them)
    expect(exported(requests.plain)).toEqual([]);
    expect(recordedOnly(requests.plain)).toEqual([]); // not even recorded: a dropped trace costs no span data
    expect(exported(requests.parentSampled)).toEqual(REQUEST_SPANS);
    expect(exported(requests.parentNotSampled)).toEqual([]);
    expect(recordedOnly(requests.warm)).toEqual(REQUEST_SPANS);
    expect(new Set(spans.map((s) => s.trace))).toEqual(new Set(['a'.repeat(32)]));
  });

  it('When OTEL_TRACES_SAMPLER is traceidratio at 1 (not parent-based), then every trace is kept whatever the caller decided, and still not the warm-up', async () => {
    const { requests, exported, recordedOnly } = await runProbe({ sampler: 'traceidratio', ratio: 1 });
    expect(exported(requests.plain)).toEqual(REQUEST_SPANS);
    expect(exported(requests.parentSampled)).toEqual(REQUEST_SPANS);
    expect(exported(requests.parentNotSampled)).toEqual(REQUEST_SPANS);
    // Without a parent-based rule the handler span would be sampled on its own: the warm-up keeps it recorded-only.
    expect(recordedOnly(requests.warm)).toEqual(REQUEST_SPANS);
    expect(exported(requests.warm)).toEqual([]);
  });

  it('When OTEL_TRACES_SAMPLER is always_off, then nothing is exported, not even under a sampled caller', async () => {
    const { requests, spans, recordedOnly } = await runProbe({ sampler: 'always_off', ratio: 1 });
    expect(spans).toEqual([]);
    expect(requests.parentSampled.trace).toBe('a'.repeat(32)); // the caller's trace id still reaches the logs
    expect(recordedOnly(requests.warm)).toEqual(REQUEST_SPANS);
  });
});
