import { Router } from 'express';
import { renderMetrics, type Metric, type MetricsCollector } from './metrics';

/** A readiness check: resolves when the dependency answers, throws otherwise. */
export type ReadinessCheck = () => Promise<void>;

/**
 * How one part of the process is doing, for operators: `ok`; `degraded` (a dependency is down
 * and work waits for it — Kafka down and the outbox filling, a consumer partition paused while its
 * database is unreachable — nothing is lost, but someone should look); `alert` (past an alert
 * threshold: the outbox's oldest event or a paused partition waited too long). Any other fields
 * describe the state (counts, ages, the last error).
 */
export interface HealthDetail {
  status: 'ok' | 'degraded' | 'alert';
  [field: string]: unknown;
}

export type DetailReporter = () => Promise<HealthDetail> | HealthDetail;

export interface Health {
  /** Adds a check that `/health/ready` runs (e.g. "database": `select 1`). */
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  /**
   * Adds a part of `/health/detail` that does NOT decide readiness: what a pod can serve does not
   * depend on it (Kafka, the outbox backlog, consumer partitions waiting for a dependency).
   */
  addDetail(name: string, reporter: DetailReporter): void;
  /** Adds metrics served at `/metrics` (Prometheus text format). */
  addMetrics(collector: MetricsCollector): void;
  /** Makes `/health/ready` answer 503 from now on (called first when shutting down). */
  markShuttingDown(): void;
  /** Runs every check once; the same result `/health/ready` renders. */
  check(): Promise<{ ready: boolean; checks: Record<string, string> }>;
  /** Readiness plus every detail; what `/health/detail` renders. */
  detail(): Promise<{ status: HealthDetail['status']; ready: boolean; checks: Record<string, string>; components: Record<string, HealthDetail> }>;
  /** Every registered metric, collected now. */
  metrics(): Promise<Metric[]>;
  router: Router;
}

const RANK: Record<HealthDetail['status'], number> = { ok: 0, degraded: 1, alert: 2 };

/**
 * `/health/live` says the process is running (Kubernetes restarts it otherwise) and depends on
 * nothing external, so a database outage never restarts every pod. `/health/ready` says the
 * process can serve its requests: every registered check passes within its time limit and it is
 * not shutting down. `/health/detail` adds what does not decide readiness (Kafka, the outbox
 * backlog, consumers waiting on a dependency) and always answers 200; `/metrics` serves the same
 * facts as Prometheus metrics. None of these is routed by the public ingress.
 */
export function createHealth(options: { checkTimeoutMs?: number } = {}): Health {
  const checks = new Map<string, ReadinessCheck>();
  const details = new Map<string, DetailReporter>();
  const collectors: MetricsCollector[] = [];
  const timeoutMs = options.checkTimeoutMs ?? 2_000;
  let shuttingDown = false;

  async function withTimeout<T>(work: () => Promise<T> | T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        Promise.resolve().then(work),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async function runOne(check: ReadinessCheck): Promise<string> {
    try {
      await withTimeout(check);
      return 'ok';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  async function check() {
    const results: Record<string, string> = {};
    await Promise.all([...checks].map(async ([name, fn]) => (results[name] = await runOne(fn))));
    const ready = !shuttingDown && Object.values(results).every((r) => r === 'ok');
    if (shuttingDown) results.shutdown = 'in progress';
    return { ready, checks: results };
  }

  async function detail() {
    const [readiness, components] = await Promise.all([
      check(),
      Promise.all(
        [...details].map(async ([name, reporter]): Promise<[string, HealthDetail]> => {
          try {
            return [name, await withTimeout(reporter)];
          } catch (error) {
            return [name, { status: 'degraded', error: error instanceof Error ? error.message : String(error) }];
          }
        }),
      ),
    ]);
    let status: HealthDetail['status'] = readiness.ready ? 'ok' : 'degraded';
    for (const [, d] of components) if (RANK[d.status] > RANK[status]) status = d.status;
    return { status, ready: readiness.ready, checks: readiness.checks, components: Object.fromEntries(components) };
  }

  async function metrics(): Promise<Metric[]> {
    const readiness = await check();
    const own: Metric[] = [
      { name: 'marketbill_ready', help: 'Whether the process can serve its requests (1) or not (0), as /health/ready answers.', type: 'gauge', samples: [{ value: readiness.ready ? 1 : 0 }] },
    ];
    const collected = await Promise.all(collectors.map((c) => withTimeout(c).catch(() => [] as Metric[])));
    return [...own, ...collected.flat()];
  }

  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const result = await check();
    res.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ok' : 'unavailable', checks: result.checks });
  });
  router.get('/health/detail', async (_req, res) => {
    res.json(await detail());
  });
  router.get('/metrics', async (_req, res) => {
    res.type('text/plain; version=0.0.4; charset=utf-8').send(renderMetrics(await metrics()));
  });

  return {
    addReadinessCheck: (name, fn) => void checks.set(name, fn),
    addDetail: (name, reporter) => void details.set(name, reporter),
    addMetrics: (collector) => void collectors.push(collector),
    markShuttingDown: () => void (shuttingDown = true),
    check,
    detail,
    metrics,
    router,
  };
}
