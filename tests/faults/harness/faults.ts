import type { ServiceName, ServiceProcess } from '@marketbill/testing';
import { waitFor } from '@marketbill/testing';
import { call } from '../../support/edge';
import type { Load } from './load';
import type { StackFaults } from './stack-control';
import type { World } from './world';

/** What one fault did, as the README's table reports it. */
export interface FaultResult {
  name: string;
  /** How long the fault lasted (from injection until the last thing was back). */
  faultMs: number;
  /**
   * From the end of the fault until the system had caught up with every order accepted before it
   * ended: billing holds it, and its new-order SMS reached the provider.
   */
  recoveryMs: number;
  /** Orders the edge accepted while the fault lasted. */
  acceptedDuring: number;
  /** Client-visible errors from the fault's start to the end of its recovery, by `status code`. */
  clientErrors: Record<string, number>;
  /** SMS received twice during this fault and its recovery (crash mid-send). */
  duplicateSms: number;
  notes: string[];
}

export interface FaultContext {
  world: World;
  load: Load;
  stack: StackFaults;
  log: (line: string) => void;
  notes: string[];
}

export interface Fault {
  name: string;
  /** Injects the fault and resolves once everything it took away is back. */
  run(ctx: FaultContext): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function replica(world: World, name: ServiceName, index = 0): ServiceProcess {
  const proc = world.system.processes[name][index];
  if (!proc) throw new Error(`${name} has no replica ${index}`);
  return proc;
}

function duplicates(world: World, since: number): number {
  const seen = new Map<string, number>();
  for (const m of world.sens.received) {
    if (m.at < since) continue;
    const key = `${m.to}\n${m.content}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen.values()].reduce((sum, n) => sum + (n - 1), 0);
}

/** Waits until every order accepted before `until` is in billing's view and its new-order SMS went out. */
async function caughtUp(world: World, load: Load, until: number, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const ids = [...load.orders.values()].filter((o) => o.acceptedAt <= until).map((o) => o.orderId);
      if (ids.length === 0) return true;
      const [billing] = await world.sql<{ n: string }>('billing', 'select count(*) as n from $schema.order_sheet where order_id = any($1::uuid[])', [ids]);
      if (Number(billing?.n) < ids.length) return undefined;
      const [sms] = await world.sql<{ n: string }>('notifier', `select count(*) as n from $schema.delivery where status = 'SENT' and dedupe_key = any($1::text[])`, [ids.map((id) => `order-placed:${id}`)]);
      return Number(sms?.n) >= ids.length;
    },
    { timeoutMs, intervalMs: 250, description: 'billing and the SMS to catch up' },
  );
}

/** Runs one fault under the load and measures it. */
export async function runFault(fault: Fault, ctx: Omit<FaultContext, 'notes'>, options: { recoveryTimeoutMs?: number } = {}): Promise<FaultResult> {
  const notes: string[] = [];
  ctx.log(`fault: ${fault.name}`);
  const started = Date.now();
  const before = ctx.load.orders.size;
  await fault.run({ ...ctx, notes });
  const ended = Date.now();
  const acceptedDuring = [...ctx.load.orders.values()].filter((o) => o.acceptedAt >= started && o.acceptedAt <= ended).length;
  await caughtUp(ctx.world, ctx.load, ended, options.recoveryTimeoutMs ?? 300_000);
  const recovered = Date.now();
  const result: FaultResult = {
    name: fault.name,
    faultMs: ended - started,
    recoveryMs: recovered - ended,
    acceptedDuring,
    clientErrors: ctx.load.errorsBetween(started, recovered),
    duplicateSms: duplicates(ctx.world, started),
    notes,
  };
  ctx.log(
    `fault done: ${fault.name}: lasted ${(result.faultMs / 1000).toFixed(1)} s, caught up ${(result.recoveryMs / 1000).toFixed(1)} s later; ` +
      `${acceptedDuring} orders accepted meanwhile (${ctx.load.orders.size - before} in all); client errors ${JSON.stringify(result.clientErrors)}${notes.length ? `; ${notes.join('; ')}` : ''}`,
  );
  return result;
}

/** kill -9 of one replica of a service; started again after `downMs` (as Kubernetes would restart the pod). */
export function killService(name: ServiceName, options: { replica?: number; downMs?: number } = {}): Fault {
  const index = options.replica ?? 0;
  return {
    name: `kill -9 ${name}${index > 0 ? ` (replica ${index + 1})` : ''}`,
    async run({ world }) {
      const proc = replica(world, name, index);
      await proc.kill('SIGKILL');
      await sleep(options.downMs ?? 3_000);
      await proc.start();
    },
  };
}

/** One replica killed for good while the other serves (a node lost); the replica comes back at the end. */
export function killOneOfTwo(name: ServiceName, options: { downMs?: number } = {}): Fault {
  return {
    name: `${name}: first of two replicas killed, the second serves alone`,
    async run({ world, notes }) {
      const proc = replica(world, name, 0);
      await proc.kill('SIGKILL');
      await sleep(options.downMs ?? 20_000);
      await proc.start();
      notes.push(`replica 2 served alone for ${((options.downMs ?? 20_000) / 1000).toFixed(0)} s`);
    },
  };
}

/** Kafka stopped (SIGTERM) or killed or frozen; the edge must keep accepting orders meanwhile. */
export function kafkaDown(how: 'stop' | 'kill' | 'freeze', downMs: number): Fault {
  return {
    name: `Kafka ${how === 'stop' ? 'stopped' : how === 'kill' ? 'killed (SIGKILL)' : 'frozen (SIGSTOP)'} for ${downMs / 1000} s`,
    async run({ world, stack, notes }) {
      let readyAnswers = 0;
      let notReady = 0;
      // What operators see instead: the edge's health detail says messaging is not ok and counts
      // the outbox backlog, and /metrics serves the backlog (the alert rules read it).
      let backlogInDetail = 0;
      let backlogInMetrics = 0;
      const { restartMs } = await stack.downFor('kafka', downMs, {
        how,
        during: async () => {
          const until = Date.now() + downMs - 1_000;
          while (Date.now() < until) {
            for (const edge of world.edges()) {
              const ready = await call(edge, 'GET', '/health/ready', { timeoutMs: 3_000 });
              if (ready.status === 200) readyAnswers++;
              else notReady++;
              const detail = await call(edge, 'GET', '/health/detail', { timeoutMs: 3_000 });
              const messaging = detail.body?.components?.messaging;
              if (detail.status === 200 && messaging?.status !== 'ok' && messaging?.outbox?.events > 0) backlogInDetail++;
              const metrics = await call(edge, 'GET', '/metrics', { timeoutMs: 3_000 });
              if (typeof metrics.body === 'string' && /^marketbill_outbox_backlog_events\{service="[^"]+"\} [1-9]/m.test(metrics.body)) backlogInMetrics++;
            }
            await sleep(1_000);
          }
        },
      });
      notes.push(
        `edge readiness during the outage: ${readyAnswers} × 200, ${notReady} × not ready; outbox backlog reported ${backlogInDetail} × in /health/detail, ${backlogInMetrics} × in /metrics; Kafka back after ${(restartMs / 1000).toFixed(1)} s`,
      );
      if (notReady > 0) throw new Error(`the edge reported not ready ${notReady} times while Kafka was down`);
      if (backlogInDetail === 0 || backlogInMetrics === 0) throw new Error('while Kafka was down, the edge never reported its outbox backlog in /health/detail and /metrics');
    },
  };
}

/** Postgres stopped (`pg_ctl stop -m fast`) for `downMs`, or restarted (`pg_ctl restart`). */
export function postgresDown(downMs: number, options: { underBacklogMs?: number } = {}): Fault {
  return {
    name: options.underBacklogMs ? `Postgres stopped for ${downMs / 1000} s under a consumer backlog` : `Postgres stopped for ${downMs / 1000} s`,
    async run({ world, stack, notes }) {
      const consumers = options.underBacklogMs ? [...world.system.processes.billing, ...world.system.processes.notifier].filter((p) => p.running()) : [];
      if (options.underBacklogMs) {
        // Consumers frozen while events keep coming: a backlog waits in Kafka when Postgres goes.
        for (const p of consumers) await signal(p, 'SIGSTOP');
        await sleep(options.underBacklogMs);
      }
      await stack.stop('postgres');
      for (const p of consumers) await signal(p, 'SIGCONT');
      await sleep(downMs);
      await stack.restore();
      notes.push(options.underBacklogMs ? `consumers were frozen ${options.underBacklogMs / 1000} s before, so a backlog met the outage` : 'admin shutdown (57P01) of every session');
    },
  };
}

async function signal(proc: ServiceProcess, name: NodeJS.Signals): Promise<void> {
  const pid = proc.pid();
  if (pid) process.kill(pid, name);
}

export function postgresRestart(): Fault {
  return {
    name: 'Postgres restarted (pg_ctl restart -m fast)',
    async run({ stack }) {
      await stack.restartPostgres();
    },
  };
}

/** The registry stopped; the notifier is restarted meanwhile (a pod restart: empty schema cache). */
export function registryDownColdNotifier(downMs: number): Fault {
  return {
    name: `registry stopped for ${downMs / 1000} s, notifier restarted meanwhile (cold schema cache)`,
    async run({ world, stack, notes }) {
      await stack.stop('registry');
      const notifier = replica(world, 'notifier');
      await notifier.kill('SIGKILL');
      // Started without waiting: it waits for the registry before it consumes.
      const starting = notifier.start({ timeoutMs: downMs + 180_000 });
      await sleep(downMs);
      await stack.restore();
      await starting;
      notes.push('the restarted notifier warmed its schemas once the registry answered');
    },
  };
}

export function s3Down(downMs: number): Fault {
  return {
    name: `S3 stopped for ${downMs / 1000} s`,
    async run({ stack }) {
      await stack.downFor('s3', downMs);
    },
  };
}
