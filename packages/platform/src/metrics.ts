/** One value of a metric, with its labels. */
export interface MetricSample {
  labels?: Record<string, string>;
  value: number;
}

/** A metric as Prometheus scrapes it: gauges say how things are now, counters only grow. */
export interface Metric {
  /** snake_case with the `marketbill_` prefix, e.g. `marketbill_outbox_backlog_events`. */
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: MetricSample[];
}

/** Produces metrics when scraped (reads in-memory counters, or runs a cheap query). */
export type MetricsCollector = () => Promise<Metric[]> | Metric[];

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * The Prometheus text exposition format (version 0.0.4): `# HELP`, `# TYPE`, then one line per
 * sample. Hand-written because it is a dozen lines and the services expose a handful of gauges;
 * an OpenTelemetry metrics pipeline would add an SDK and an exporter for the same text.
 */
export function renderMetrics(metrics: Metric[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const metric of metrics) {
    if (!seen.has(metric.name)) {
      lines.push(`# HELP ${metric.name} ${metric.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
      lines.push(`# TYPE ${metric.name} ${metric.type}`);
      seen.add(metric.name);
    }
    for (const sample of metric.samples) {
      const labels = Object.entries(sample.labels ?? {});
      const rendered = labels.length > 0 ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
      lines.push(`${metric.name}${rendered} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
