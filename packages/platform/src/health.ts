import { Router } from 'express';

/** A readiness check: resolves when the dependency answers, throws otherwise. */
export type ReadinessCheck = () => Promise<void>;

export interface Health {
  /** Adds a check that `/health/ready` runs (e.g. "database": `select 1`). */
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  /** Makes `/health/ready` answer 503 from now on (called first when shutting down). */
  markShuttingDown(): void;
  /** Runs every check once; the same result `/health/ready` renders. */
  check(): Promise<{ ready: boolean; checks: Record<string, string> }>;
  router: Router;
}

/**
 * `/health/live` says the process is running (Kubernetes restarts it otherwise) and depends on
 * nothing external, so a database outage never restarts every pod. `/health/ready` says the
 * process can serve: every registered check passes within its time limit and it is not shutting down.
 */
export function createHealth(options: { checkTimeoutMs?: number } = {}): Health {
  const checks = new Map<string, ReadinessCheck>();
  const timeoutMs = options.checkTimeoutMs ?? 2_000;
  let shuttingDown = false;

  async function runOne(check: ReadinessCheck): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return 'ok';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async function check() {
    const results: Record<string, string> = {};
    await Promise.all([...checks].map(async ([name, fn]) => (results[name] = await runOne(fn))));
    const ready = !shuttingDown && Object.values(results).every((r) => r === 'ok');
    if (shuttingDown) results.shutdown = 'in progress';
    return { ready, checks: results };
  }

  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const result = await check();
    res.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ok' : 'unavailable', checks: result.checks });
  });

  return {
    addReadinessCheck: (name, fn) => void checks.set(name, fn),
    markShuttingDown: () => void (shuttingDown = true),
    check,
    router,
  };
}
