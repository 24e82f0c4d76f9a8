import { backoffDelay, maskPhone, type Logger, type Orm } from '@marketbill/platform';
import type { Job } from '@marketbill/runtime';
import type { SmsProvider } from '../../clients/sms-provider';
import {
  claimDueDeliveries,
  recordDeliveryResults,
  watchForDeliveries,
  type ClaimedDelivery,
  type ClaimResult,
  type DeliveryRepository,
  type DeliveryWakeUp,
} from '../../use-cases/claim-due-deliveries';
import type { RetryPolicy } from '../../domain/delivery-policy';
import { sendDelivery } from '../../use-cases/send-delivery';

export interface DeliverySenderOptions {
  orm: Orm;
  databaseUrl: string;
  schema: string;
  deliveries: DeliveryRepository;
  provider: SmsProvider;
  policy: RetryPolicy;
  /** Provider calls in flight at once. */
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
  logger: Logger;
  /** Results are written in batches: at most this many… */
  flushBatchSize?: number;
  /** …or after this long (ms), whichever comes first. */
  flushDelayMs?: number;
  /**
   * Shortest gap between two claims when the last one found less than it asked for (default
   * 25 ms). Without it, a steady trickle of new deliveries (one NOTIFY per committed event) makes
   * one claim per delivery; with it, a claim gathers what arrived in the gap.
   */
  minClaimGapMs?: number;
}

export interface SenderStats {
  /** Claim statements run. */
  claims: number;
  /** Result-recording statements run. */
  flushes: number;
  claimed: number;
  sent: number;
  failed: number;
  retried: number;
  lostClaims: number;
}

export interface DeliverySender extends Job {
  stats(): SenderStats;
}

/**
 * The sender: takes due deliveries from the delivery log and hands them to the provider, outside
 * any database transaction.
 *
 * - Claiming: one autocommitted `update … from (select … for update skip locked)` moves each
 *   taken row's next_attempt_at to the end of a lease, so any number of replicas can run a sender
 *   and none sends a row another holds; a crashed sender's rows come back when the lease ends.
 *   It claims only what it can start now (free concurrency slots), so a claim is a call in flight.
 * - Calls: up to `concurrency` at once, each after the provider's rate limiter lets it go.
 * - Results: written in batches (one statement per batch) a few milliseconds after they arrive;
 *   a write that fails is retried with backoff while claiming pauses, so an outcome the provider
 *   gave is not lost to a database hiccup.
 * - Wakes on the NOTIFY a committed delivery sends, when a slot frees up, and on a poll (retries
 *   that come due, and a safety net).
 * - Stop: claims nothing more, waits for the calls in flight, writes their results.
 */
export function createDeliverySender(options: DeliverySenderOptions): DeliverySender {
  const log = options.logger.child({ component: 'delivery-sender', provider: options.provider.name });
  const flushBatchSize = options.flushBatchSize ?? 200;
  const flushDelayMs = options.flushDelayMs ?? 20;
  // Claim in batches: waiting for a quarter of the slots to free up keeps claims to a few per
  // hundred messages instead of one per message under load.
  const claimThreshold = Math.max(1, Math.floor(options.concurrency / 4));
  const minClaimGapMs = options.minClaimGapMs ?? 25;
  const stats: SenderStats = { claims: 0, flushes: 0, claimed: 0, sent: 0, failed: 0, retried: 0, lostClaims: 0 };
  const inFlight = new Set<Promise<void>>();
  let pending: ClaimResult[] = [];
  let flushing: Promise<void> | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  let flushFailures = 0;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let listener: DeliveryWakeUp | undefined;

  function signal(): void {
    wake?.();
  }

  function waitForSignal(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        if (wake === done) wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  function scheduleFlush(): void {
    if (flushing || flushTimer) return;
    if (pending.length >= flushBatchSize) {
      flushing = flush();
      return;
    }
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      flushing = flush();
    }, flushDelayMs);
  }

  async function flush(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.slice(0, flushBatchSize);
      try {
        await recordDeliveryResults(options, batch);
        stats.flushes++;
        pending = pending.slice(batch.length);
        flushFailures = 0;
      } catch (error) {
        flushFailures++;
        const delay = backoffDelay(flushFailures, 200, 5_000);
        log.warn({ err: error, results: pending.length, retryInMs: delay }, 'recording delivery results failed; retrying');
        if (stopping && flushFailures > 5) {
          log.error({ results: pending.length }, 'delivery results not recorded at shutdown; their leases will expire and they will be sent again');
          pending = [];
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    flushing = undefined;
    signal();
  }

  function count(result: ClaimResult, claimed: ClaimedDelivery): void {
    if (claimed.previousClaimLost) stats.lostClaims++;
    if (result.status === 'SENT') stats.sent++;
    else if (result.status === 'FAILED') {
      stats.failed++;
      log.warn(
        { deliveryId: claimed.id, template: claimed.template, to: maskPhone(claimed.recipient), providerStatus: result.providerStatus, providerMessage: result.providerMessage },
        'sms delivery failed',
      );
    } else stats.retried++;
  }

  function start(claimed: ClaimedDelivery): void {
    const task = sendDelivery({ provider: options.provider, policy: options.policy }, claimed)
      .then((result) => {
        count(result, claimed);
        pending.push(result);
        scheduleFlush();
      })
      .catch((error: unknown) => {
        // A bug, not a provider answer (those never throw): leave the claim to its lease.
        log.error({ err: error, deliveryId: claimed.id }, 'sending a delivery failed unexpectedly');
      })
      .finally(() => {
        inFlight.delete(task);
        signal();
      });
    inFlight.add(task);
  }

  async function run(): Promise<void> {
    let failures = 0;
    let drainedAt = 0;
    while (!stopping) {
      const gap = drainedAt + minClaimGapMs - Date.now();
      if (gap > 0) {
        await new Promise((resolve) => setTimeout(resolve, gap));
        continue;
      }
      const free = options.concurrency - inFlight.size;
      // Back-pressure: hold off while slots are scarce or results wait to be written.
      if (free < claimThreshold || (free < options.concurrency && pending.length >= flushBatchSize * 2) || flushFailures > 0) {
        await waitForSignal(options.pollIntervalMs);
        continue;
      }
      let claimed: ClaimedDelivery[];
      try {
        claimed = await claimDueDeliveries(options, free, options.leaseMs);
        stats.claims++;
        failures = 0;
        // Took all that was due: the next claim waits for the gap, gathering what arrives meanwhile.
        drainedAt = claimed.length < free ? Date.now() : 0;
      } catch (error) {
        failures++;
        const delay = backoffDelay(failures, 200, 10_000);
        log.warn({ err: error, retryInMs: delay }, 'claiming due deliveries failed; retrying');
        await waitForSignal(delay);
        continue;
      }
      if (claimed.length === 0) {
        await waitForSignal(options.pollIntervalMs);
        continue;
      }
      stats.claimed += claimed.length;
      for (const c of claimed) start(c);
    }
  }

  return {
    name: 'delivery-sender',
    start() {
      stopping = false;
      listener = watchForDeliveries({
        databaseUrl: options.databaseUrl,
        schema: options.schema,
        logger: log,
        onWake: signal,
        applicationName: 'notifier-delivery-sender',
      });
      loop = run().catch((error: unknown) => log.error({ err: error }, 'delivery sender stopped unexpectedly'));
      log.info({ concurrency: options.concurrency }, 'delivery sender started');
    },
    async stop() {
      stopping = true;
      signal();
      await loop;
      await Promise.allSettled([...inFlight]);
      if (flushTimer) {
        clearTimeout(flushTimer);
        flushTimer = undefined;
      }
      if (!flushing && pending.length > 0) flushing = flush();
      await flushing;
      await listener?.close();
      await options.provider.close();
      log.info({ ...stats }, 'delivery sender stopped');
    },
    stats: () => ({ ...stats }),
  };
}
