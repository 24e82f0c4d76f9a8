// Preloaded (`--import`) into the live path's processes (writer, relay, consumer) so they trace as
// the services do: the platform's telemetry started before pg is first required (its
// instrumentation patches pg on load), with the keys the services read (OTEL_TRACES_SAMPLER /
// _ARG, default parent-based always on; an OTLP exporter only when an OTEL_EXPORTER_OTLP_* endpoint
// is set). run.ts leaves it out with --no-tracing.
import { createRequire } from 'node:module';
import { z } from 'zod';
import type * as Platform from '@marketbill/platform';
import type * as Telemetry from '@marketbill/platform/telemetry';

const require = createRequire(import.meta.url);
const { loadConfig, platformEnv, telemetryOf } = require('@marketbill/platform') as typeof Platform;
const { startTelemetry } = require('@marketbill/platform/telemetry') as typeof Telemetry;

const { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG } = platformEnv;
const keys = loadConfig(z.object({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG }), process.env);
startTelemetry({ serviceName: `bench-${process.env.MB_BENCH_ROLE ?? 'messaging'}`, ...telemetryOf(keys) });
