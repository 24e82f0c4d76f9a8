import type { Logger } from './logger';

export interface PeriodicJobOptions {
  /** The job's name (the runtime's `Job.name`). */
  name: string;
  /** The pause between the end of one tick and the start of the next, in ms. */
  intervalMs: number;
  /** Runs the first tick at `start()` (default: one interval after it). */
  tickAtStart?: boolean;
  /** Where a failed tick is logged: at warn, with the error as `err`. */
  logger: Logger;
  /** The message of a failed tick's log line: a constant string that operators may alert on. */
  failureMessage: string;
  /**
   * One tick. `signal` is aborted when the job stops: a tick that works in many small steps (a
   * pruning in batches) may end early between two of them instead of holding the shutdown up.
   */
  tick(signal: AbortSignal): Promise<void>;
}

/** Timed work that stops cleanly: a runtime `Job` (which it satisfies), or a package's own chore. */
export interface PeriodicJob {
  readonly name: string;
  start(): void;
  /** Ends the schedule and waits for a tick that is running; no tick starts after it is called. */
  stop(): Promise<void>;
}

/**
 * Runs `tick` every `intervalMs`, for the background chores of a service or package (settling the
 * catalog's search tables, resuming billing's interrupted statements, pruning the inbox):
 * - ticks never overlap: the next one is timed from the end of the last, so a slow tick (a busy
 *   database) is followed by a pause rather than by ticks queued behind it — with `setInterval`
 *   the job would have to skip ticks, and replicas' ticks would bunch up after a slow one;
 * - a tick that throws is logged with `failureMessage` and the next one runs as planned;
 * - `stop()` clears the timer, aborts the tick's signal and waits for the running tick; nothing
 *   starts afterwards. The timer is unref'd, so a job never keeps a process alive by itself.
 */
export function createPeriodicJob(options: PeriodicJobOptions): PeriodicJob {
  if (!(options.intervalMs > 0)) throw new RangeError(`${options.name}: the interval must be positive, not ${options.intervalMs}`);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let active: AbortController | undefined;

  function schedule(signal: AbortSignal): void {
    timer = setTimeout(run, options.intervalMs, signal);
    timer.unref();
  }

  function run(signal: AbortSignal): void {
    timer = undefined;
    running = (async () => {
      try {
        await options.tick(signal);
      } catch (error) {
        options.logger.warn({ err: error }, options.failureMessage);
      }
    })().finally(() => {
      running = undefined;
      if (!signal.aborted) schedule(signal);
    });
  }

  return {
    name: options.name,
    start() {
      if (active && !active.signal.aborted) return;
      const { signal } = (active = new AbortController());
      const begin = () => (options.tickAtStart ? run(signal) : schedule(signal));
      // Started again before an earlier stop() was awaited: the first tick waits for the last one.
      if (running)
        void running.then(() => {
          if (!signal.aborted) begin();
        });
      else begin();
    },
    async stop() {
      active?.abort();
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
