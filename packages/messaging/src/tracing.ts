import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Link, type Span, type TextMapGetter } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/**
 * The one place that puts trace context into Kafka headers and takes it out again (W3C
 * `traceparent`/`tracestate`). A producer span is a child of the transaction that wrote the event
 * (its context was stored in the outbox row); the consumer span is a child of the producer span, so
 * one trace runs from the HTTP request through every service the event reaches.
 */
const tracer = trace.getTracer('@marketbill/messaging');

export function headersToCarrier(headers: IHeaders | undefined): Record<string, string> {
  const carrier: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const v = Array.isArray(value) ? value[0] : value;
    if (v !== undefined) carrier[key] = v.toString();
  }
  return carrier;
}

/**
 * Reads a propagator's fields straight from Kafka headers: only the fields the propagator asks
 * for (`traceparent`, `tracestate`, …) are turned into strings, not every header of every message.
 */
const kafkaHeadersGetter: TextMapGetter<IHeaders | undefined> = {
  keys: (headers) => Object.keys(headers ?? {}),
  get(headers, key) {
    const value = headers?.[key];
    if (value === undefined) return undefined;
    const v = Array.isArray(value) ? value[0] : value;
    return v === undefined ? undefined : v.toString();
  },
};

/** Starts a producer span under the stored context and writes the new context into `headers`. */
export function startPublishSpan(topic: string, stored: Record<string, string>, headers: Record<string, string>): Span {
  const parent = propagation.extract(context.active(), stored);
  const span = tracer.startSpan(
    `${topic} publish`,
    {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': topic },
    },
    parent,
  );
  propagation.inject(trace.setSpan(parent, span), headers);
  return span;
}

/** Runs `fn` inside a consumer span whose parent is the context found in the message headers. */
export function withConsumeSpan<T>(
  topic: string,
  group: string,
  headers: IHeaders | undefined,
  attributes: Record<string, string | number>,
  fn: () => Promise<T>,
): Promise<T> {
  return inConsumerSpan(topic, group, propagation.extract(context.active(), headers, kafkaHeadersGetter), [], attributes, fn);
}

export function endSpan(span: Span, error?: unknown): void {
  if (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
  }
  span.end();
}

/**
 * Runs `fn` inside one consumer span for a chunk of messages handled together: it starts a trace of
 * its own and links to each message's producer span (the OpenTelemetry convention for batches:
 * a span has one parent, so the producers are links).
 */
export function withBatchConsumeSpan<T>(
  topic: string,
  group: string,
  headers: Array<IHeaders | undefined>,
  attributes: Record<string, string | number>,
  fn: () => Promise<T>,
): Promise<T> {
  const links: Link[] = [];
  for (const h of headers) {
    const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, h, kafkaHeadersGetter));
    if (spanContext) links.push({ context: spanContext });
  }
  return inConsumerSpan(topic, group, ROOT_CONTEXT, links, attributes, fn);
}

/** The consumer span both of the above make: `fn` runs inside it, and an error marks it failed. */
async function inConsumerSpan<T>(
  topic: string,
  group: string,
  parent: Context,
  links: Link[],
  attributes: Record<string, string | number>,
  fn: () => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(
    `${topic} process`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': group,
        ...attributes,
      },
    },
    parent,
  );
  try {
    const result = await context.with(trace.setSpan(parent, span), fn);
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}
