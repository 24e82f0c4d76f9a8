import { afterEach, describe, expect, it } from '@jest/globals';
import { createLogger } from '@marketbill/platform';
import { createPartitionPauses, describeError, type PartitionPauses } from './partition-pauses';

const silent = createLogger({ service: 'test', level: 'silent' });
let pauses: PartitionPauses | undefined;

afterEach(() => pauses?.reset());

function resumed(): { calls: number; resume: () => void; waitForCall: () => Promise<void> } {
  let wake: (() => void) | undefined;
  const state = {
    calls: 0,
    resume: () => {
      state.calls++;
      wake?.();
    },
    waitForCall: () => new Promise<void>((resolve) => (wake = resolve)),
  };
  return state;
}

describe('partition pauses', () => {
  it('When a partition waits at the same message again, then its attempts count up and its first wait is kept', () => {
    pauses = createPartitionPauses({ initialDelayMs: 60_000, maxDelayMs: 60_000, logger: silent });
    let paused = 0;
    pauses.pauseAt('t', 0, '5', new Error('registry down'), () => paused++, () => undefined);
    const since = pauses.list()[0]?.since;
    pauses.pauseAt('t', 0, '5', new Error('still down'), () => paused++, () => undefined);
    expect(paused).toBe(2);
    expect(pauses.count()).toBe(2);
    expect(pauses.list()).toEqual([{ topic: 't', partition: 0, offset: '5', since, attempts: 2, reason: 'still down' }]);
    pauses.pauseAt('t', 0, '6', new Error('down at the next one'), () => undefined, () => undefined);
    expect(pauses.list()[0]?.attempts).toBe(1);
  });

  it('When the backoff ends, then the partition is resumed', async () => {
    pauses = createPartitionPauses({ initialDelayMs: 10, maxDelayMs: 20, logger: silent });
    const r = resumed();
    const called = r.waitForCall();
    pauses.pauseAt('t', 1, '0', new Error('db down'), () => undefined, r.resume);
    await called;
    expect(r.calls).toBe(1);
  });

  it('When the partition goes through or is given to another member, then its wait is forgotten and it is not resumed here', async () => {
    pauses = createPartitionPauses({ initialDelayMs: 20, maxDelayMs: 20, logger: silent });
    const cleared = resumed();
    const moved = resumed();
    const kept = resumed();
    const keptCalled = kept.waitForCall();
    pauses.pauseAt('t', 0, '1', new Error('x'), () => undefined, cleared.resume);
    pauses.pauseAt('t', 1, '1', new Error('x'), () => undefined, moved.resume);
    pauses.pauseAt('t', 2, '1', new Error('x'), () => undefined, kept.resume);
    pauses.clear('t', 0);
    pauses.keepOnly({ t: [0, 2] });
    expect(pauses.list().map((p) => p.partition)).toEqual([2]);
    await keptCalled; // the kept partition's timer fired; the others' were cancelled before theirs
    expect([cleared.calls, moved.calls, kept.calls]).toEqual([0, 0, 1]);
  });

  it('When an error has a cause, then the reason names both', () => {
    expect(describeError(new Error('query failed', { cause: new Error('ECONNREFUSED') }))).toBe('query failed: ECONNREFUSED');
  });
});
