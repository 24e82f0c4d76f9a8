import { afterEach, describe, expect, it } from '@jest/globals';
import { createLogger } from './logger';
import { createPeriodicJob, type PeriodicJob, type PeriodicJobOptions } from './periodic-job';
import { logLines } from './testing/log-lines';

/** A logger whose lines the test reads. */
function capturedLogger() {
  const { lines, destination } = logLines();
  return { lines, logger: createLogger({ service: 'periodic-job-test', destination }) };
}

/** Resolves when `condition` holds (checked every few ms), or fails after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

// Waits on conditions; the few fixed waits below check that something does NOT happen (a second
// tick, a tick after stop) over several intervals: a slow machine makes them prove less, never fail.

/** A promise the test settles. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Ticks that record when they run and how many run at once. */
function ticking(body: (n: number, signal: AbortSignal) => Promise<void> = async () => undefined) {
  const state = { started: 0, finished: 0, inside: 0, mostInside: 0 };
  const tick = async (signal: AbortSignal) => {
    const n = ++state.started;
    state.inside++;
    state.mostInside = Math.max(state.mostInside, state.inside);
    try {
      await body(n, signal);
    } finally {
      state.inside--;
      state.finished++;
    }
  };
  return { state, tick };
}

// Every job a test made is stopped after it, also when an assertion failed half-way.
const made: PeriodicJob[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((j) => j.stop()));
});

function job(tick: PeriodicJobOptions['tick'], extra: Partial<PeriodicJobOptions> = {}) {
  const { lines, logger } = capturedLogger();
  const j = createPeriodicJob({ name: 'test-job', intervalMs: 5, logger, failureMessage: 'the test tick failed', tick, ...extra });
  made.push(j);
  return { lines, job: j };
}

describe('createPeriodicJob', () => {
  it('When started, then it ticks again and again, first at start when asked to', async () => {
    const { state, tick } = ticking();
    const { job: j } = job(tick, { tickAtStart: true });
    expect(j.name).toBe('test-job');
    j.start();
    expect(state.started).toBe(1); // at once, not an interval later
    await until(() => state.finished >= 5);
    await j.stop();
  });

  it('When a tick is slower than the interval, then it is not re-entered and the next one starts after it ends', async () => {
    const slow = gate();
    const { state, tick } = ticking((n) => (n === 1 ? slow.opened : Promise.resolve()));
    const { job: j } = job(tick, { tickAtStart: true });
    j.start();
    // Ten intervals go by while the first tick runs: no second one starts.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state.started).toBe(1);
    slow.open();
    await until(() => state.finished >= 3);
    await j.stop();
    expect(state.mostInside).toBe(1);
  });

  it('When a tick throws, then the failure is logged with its message and error, and the next tick runs', async () => {
    const { state, tick } = ticking(async (n) => {
      if (n === 1) throw new Error('the database is away');
    });
    const { job: j, lines } = job(tick, { tickAtStart: true });
    j.start();
    await until(() => state.finished >= 3);
    await j.stop();
    const failures = lines.filter((l) => l.msg === 'the test tick failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 'warn', err: { message: 'the database is away' } });
  });

  it('When a tick throws before its first await, then it is logged like any failure and the ticks go on', async () => {
    let calls = 0;
    const { job: j, lines } = job(
      (() => {
        calls++;
        if (calls === 1) throw new TypeError('a bug');
        return Promise.resolve();
      }) as PeriodicJobOptions['tick'],
      { tickAtStart: true },
    );
    j.start();
    await until(() => calls >= 3);
    await j.stop();
    expect(lines.filter((l) => l.msg === 'the test tick failed')).toHaveLength(1);
  });

  it('When stopped during a tick, then stop waits for it, its signal is aborted, and no tick starts afterwards', async () => {
    const slow = gate();
    let signalSeen: AbortSignal | undefined;
    const { state, tick } = ticking(async (n, signal) => {
      signalSeen = signal;
      if (n === 2) await slow.opened;
    });
    const { job: j } = job(tick, { tickAtStart: true });
    j.start();
    await until(() => state.started === 2);
    let stopped = false;
    const stopping = j.stop().then(() => (stopped = true));
    expect(signalSeen?.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false); // the second tick still runs
    slow.open();
    await stopping;
    expect(state.finished).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 30)); // six intervals
    expect(state.started).toBe(2);
  });

  it('When stopped between ticks, then the timer is cleared and nothing more runs', async () => {
    const { state, tick } = ticking();
    const { job: j } = job(tick, { intervalMs: 60_000 });
    j.start();
    await j.stop();
    expect(state.started).toBe(0);
  });

  it('When it waits for its next tick, then its timer does not keep the process alive', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const { tick } = ticking();
    const { job: j } = job(tick, { intervalMs: 60_000 });
    const before = timers();
    j.start();
    expect(timers()).toBe(before); // unref'd: not counted among what holds the event loop
    await j.stop();
  });

  it('When started again before the stop was awaited, then the new ticks wait for the running one', async () => {
    const slow = gate();
    const { state, tick } = ticking((n) => (n === 1 ? slow.opened : Promise.resolve()));
    const { job: j } = job(tick, { tickAtStart: true });
    j.start();
    const stopping = j.stop();
    j.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.started).toBe(1);
    slow.open();
    await stopping;
    await until(() => state.finished >= 3);
    await j.stop();
    expect(state.mostInside).toBe(1);
  });

  it('When the interval is not positive, then the job is refused', () => {
    expect(() => job(async () => undefined, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => job(async () => undefined, { intervalMs: Number.NaN })).toThrow(RangeError);
  });
});
