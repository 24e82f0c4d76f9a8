import { context, propagation, trace, TraceFlags, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { DEFAULT_TRACE_SAMPLING, type TraceSampling } from './config';
import { isWarmUpRequest } from './http/warm-up';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /** OTLP/HTTP traces endpoint; without it spans are still made (ids in logs, context in headers) but not exported. */
  tracesEndpoint?: string;
  /** Extra processors, e.g. a SimpleSpanProcessor over an InMemorySpanExporter in tests. */
  spanProcessors?: SpanProcessor[];
  /** Auto-instrument http, express and pg (default true). Tests that only need context leave it off. */
  instrument?: boolean;
  /** Which traces are kept (OTEL_TRACES_SAMPLER / _ARG); default parent-based, always on. */
  sampling?: TraceSampling;
}

export interface Telemetry {
  provider: TracerProvider;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

let started: Telemetry | undefined;

/**
 * Spans of the service's own warm-up requests (http/warm-up.ts) are recorded but not sampled: the
 * warm-up runs the traced code just as a real request does (span creation and attributes are a
 * seventh of a search's CPU; a warm-up that skipped them left the first real requests as slow as
 * none did, bench/catalog), and span processors pass on sampled spans only, so nothing of it is
 * exported. Their children (Express, pg) follow as recorded-only: a span that is recorded but not
 * sampled exists only inside a warm-up, since every sampler below either samples a span or does not
 * record it at all. Everything else is decided by the configured sampler (OTEL_TRACES_SAMPLER).
 */
const WARM_UP_ATTRIBUTE = 'marketbill.warm_up';

function samplerOf(sampling: TraceSampling): Sampler {
  const base = sampling.sampler.replace(/^parentbased_/, '');
  const chooser: Sampler = base === 'always_on' ? new AlwaysOnSampler() : base === 'always_off' ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(sampling.ratio);
  const configured = sampling.sampler.startsWith('parentbased_') ? new ParentBasedSampler({ root: chooser }) : chooser;
  return {
    shouldSample(parentContext, traceId, name, kind, attributes, links) {
      if (attributes[WARM_UP_ATTRIBUTE] === true) return { decision: SamplingDecision.RECORD };
      const parent = trace.getSpan(parentContext);
      if (parent?.isRecording() && (parent.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return { decision: SamplingDecision.RECORD };
      return configured.shouldSample(parentContext, traceId, name, kind, attributes, links);
    },
    toString: () => `WarmUpRecordOnly{${configured.toString()}}`,
  };
}

/**
 * Starts OpenTelemetry tracing: W3C trace context, an async-local-storage context manager, OTLP/HTTP
 * export in batches, and auto-instrumentation of http, express and pg. Kafka spans are made by
 * `@marketbill/messaging` itself, because the outbox relay publishes on behalf of the request that
 * wrote the row, a parent that the kafkajs auto-instrumentation cannot know.
 *
 * Call it before express or pg are first required (the instrumentations patch them on load): the
 * service's `main.ts` imports only its config and this module, then loads the rest dynamically.
 * Calling it twice returns the first instance.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (started) return started;
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.tracesEndpoint) {
    const exporter: SpanExporter = new OTLPTraceExporter({ url: options.tracesEndpoint });
    processors.push(new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1_000 }));
  }
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
    }),
    spanProcessors: processors,
    sampler: samplerOf(options.sampling ?? DEFAULT_TRACE_SAMPLING),
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(provider as unknown as ApiTracerProvider);
  if (options.instrument ?? true) {
    registerInstrumentations({
      tracerProvider: provider as unknown as ApiTracerProvider,
      instrumentations: [
        new HttpInstrumentation({
          ignoreIncomingRequestHook: (req) => (req.url ?? '').startsWith('/health/'),
          // The service's own warm-up (http/warm-up.ts): traced like any request, never exported.
          startIncomingSpanHook: (req) => (isWarmUpRequest(req.headers) ? { [WARM_UP_ATTRIBUTE]: true } : {}),
        }),
        // Spans for route handlers only. A span per middleware and router layer (request id,
        // access log, body parser, CORS …) told an operator nothing the server span does not, and
        // cost the most of what tracing allocates: six of the eight spans of a plain request
        // (telemetry.int.test.ts), and a quarter of a catalog search's garbage (198 → 146 kB per
        // request, bench/catalog/README.md). The server span still gets `http.route`.
        new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
        new PgInstrumentation({ requireParentSpan: true }),
      ],
    });
  }
  started = {
    provider,
    shutdown: async () => {
      await provider.forceFlush();
      await provider.shutdown();
    },
  };
  return started;
}
