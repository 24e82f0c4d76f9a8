import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@marketbill/platform';
import { parseBackfillArgs } from './backfill-command';
import { createProgressReporter } from './progress-reporter';

describe('parseBackfillArgs', () => {
  it('When a range and categories are given, then they are parsed', () => {
    const args = parseBackfillArgs(['--from', '2026-01-01', '--to', '2026-01-31', '--categories', '3,1', '--force']);
    expect(args).toMatchObject({ action: 'run', from: '2026-01-01', to: '2026-01-31', force: true });
    expect(args.action === 'run' && args.categories.map((c) => c.symbol)).toEqual(['CUT_FLOWER', 'ORCHID']);
  });

  it('When no categories are given, then all four are imported and force is off', () => {
    const args = parseBackfillArgs(['--from', '2026-01-01', '--to', '2026-01-01']);
    expect(args).toMatchObject({ action: 'run', force: false });
    expect(args.action === 'run' && args.categories).toHaveLength(4);
  });

  it('When --status, --continue or --cancel is given, then that action is chosen', () => {
    expect(parseBackfillArgs(['--status'])).toEqual({ action: 'status' });
    expect(parseBackfillArgs(['--continue'])).toEqual({ action: 'continue' });
    expect(parseBackfillArgs(['--cancel', '12'])).toEqual({ action: 'cancel', id: '12' });
    expect(() => parseBackfillArgs(['--cancel', 'x'])).toThrow(ValidationError);
  });

  it.each([
    [['--to', '2026-01-01']],
    [['--from', '2026-02-30', '--to', '2026-03-01']],
    [['--from', '2026-03-02', '--to', '2026-03-01']],
    [['--from', '2026-03-01', '--to', '2026-03-01', '--categories', '5']],
    [['--from', '--to', '2026-03-01']],
  ])('When the arguments are %p, then a validation error explains the usage', (argv) => {
    expect(() => parseBackfillArgs(argv)).toThrow(ValidationError);
  });
});

describe('createProgressReporter', () => {
  const progress = { done: 5, total: 10, skipped: 2, failed: 1, deferred: 0, rowsRead: 3000, rowsPublished: 2500 };

  it('When writing to a terminal, then the bar is redrawn in place', () => {
    const out: string[] = [];
    let t = 0;
    const reporter = createProgressReporter({ tty: true, write: (s) => out.push(s), width: 10, now: () => (t += 1000) });
    reporter.update(progress);
    expect(out[0]?.startsWith('\r\u001b[2K[█████░░░░░]  50% 5/10 day×category · 2 skipped · 1 failed · 3000 rows')).toBe(true);
  });

  it('When writing to a pipe, then plain lines are written at most once per interval, and always at the end', () => {
    const out: string[] = [];
    let t = 10_000;
    const reporter = createProgressReporter({ tty: false, write: (s) => out.push(s), intervalMs: 5_000, now: () => t });
    reporter.update(progress);
    t += 1_000;
    reporter.update(progress);
    reporter.finish({ ...progress, done: 10 });
    expect(out).toHaveLength(2);
    expect(out[1]).toMatch(/^backfill 100% 10\/10/);
    expect(out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
  });

  it('When pairs wait for the call budget, then the line says so and gives no time estimate', () => {
    const out: string[] = [];
    const reporter = createProgressReporter({ tty: false, write: (s) => out.push(s) });
    reporter.finish({ ...progress, deferred: 3 });
    expect(out[0]).toContain('3 waiting for call budget');
    expect(out[0]).toContain('ETA next budget');
  });
});
