import { backoffDelay, type Logger } from '@marketbill/platform';

/** A partition that waits for a dependency: the message at `offset` is retried until it goes through. */
export interface PausedPartition {
  topic: string;
  partition: number;
  offset: string;
  since: Date;
  attempts: number;
  reason: string;
}

/**
 * The partitions of one consumer that wait for a dependency. The message at a paused partition's
 * offset waits: kafkajs fetches nothing more for the partition, nothing after the message is
 * resolved (so nothing past it is committed), and after a capped, jittered backoff the partition
 * is resumed and the fetch starts again at that message.
 */
export interface PartitionPauses {
  /** Pauses `partition` at `offset` because of `error`; `resume` is called when its backoff ends. */
  pauseAt(topic: string, partition: number, offset: string, error: unknown, pause: () => unknown, resume: () => void): void;
  /** The partition went through again: clear its wait. */
  clear(topic: string, partition: number): void;
  /** Forgets the waits of partitions not in `assigned` (given to another member after a rebalance). */
  keepOnly(assigned: Record<string, number[]>): void;
  /** Forgets every wait (the consumer stops or is replaced). */
  reset(): void;
  list(): PausedPartition[];
  size(): number;
  /** Pauses so far (each backoff of each partition counts). */
  count(): number;
  /** How long the longest-waiting partition has waited, in seconds (0 when none waits). */
  oldestWaitSeconds(now?: number): number;
}

/** An error in one line for logs, health and the pause's reason (its cause's message included). */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${message}${cause}`.slice(0, 500);
}

type Entry = PausedPartition & { timer: NodeJS.Timeout | undefined; loggedAt: number };

/** Pauses with delays from `initialDelayMs`, doubling, up to `maxDelayMs`. */
export function createPartitionPauses(options: { initialDelayMs: number; maxDelayMs: number; logger: Logger }): PartitionPauses {
  const { initialDelayMs, maxDelayMs } = options;
  const log = options.logger;
  const paused = new Map<string, Entry>();
  let pauses = 0;

  function forget(key: string, entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    paused.delete(key);
  }

  return {
    pauseAt(topic, partition, offset, error, pause, resume) {
      const key = `${topic}:${partition}`;
      const previous = paused.get(key);
      const tries = previous && previous.offset === offset ? previous.attempts + 1 : 1;
      const delay = Math.max(initialDelayMs, backoffDelay(Math.min(tries, 10), initialDelayMs * 2, maxDelayMs));
      const now = Date.now();
      const entry: Entry = {
        topic,
        partition,
        offset,
        since: previous?.since ?? new Date(now),
        attempts: tries,
        reason: describeError(error),
        timer: undefined,
        loggedAt: previous?.loggedAt ?? 0,
      };
      if (previous?.timer) clearTimeout(previous.timer);
      pause();
      pauses++;
      const fields = { topic, partition, offset, attempts: tries, waitingMs: now - entry.since.getTime(), retryInMs: delay, reason: entry.reason };
      if (!previous || now - entry.loggedAt >= 30_000) {
        log.warn(fields, 'a dependency is unavailable; partition paused, the message waits and will be retried');
        entry.loggedAt = now;
      } else {
        log.debug(fields, 'partition still waiting for a dependency');
      }
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        resume();
      }, delay);
      entry.timer.unref();
      paused.set(key, entry);
    },
    clear(topic, partition) {
      const key = `${topic}:${partition}`;
      const entry = paused.get(key);
      if (!entry) return;
      forget(key, entry);
      log.info({ topic, partition, waitedMs: Date.now() - entry.since.getTime(), attempts: entry.attempts }, 'partition resumed: the dependency answered again');
    },
    keepOnly(assigned) {
      for (const [key, entry] of paused) if (!(assigned[entry.topic] ?? []).includes(entry.partition)) forget(key, entry);
    },
    reset() {
      for (const [key, entry] of paused) forget(key, entry);
    },
    list: () => [...paused.values()].map(({ timer: _t, loggedAt: _l, ...p }) => ({ ...p })),
    size: () => paused.size,
    count: () => pauses,
    oldestWaitSeconds(now = Date.now()) {
      let oldest = 0;
      for (const entry of paused.values()) oldest = Math.max(oldest, (now - entry.since.getTime()) / 1000);
      return oldest;
    },
  };
}
