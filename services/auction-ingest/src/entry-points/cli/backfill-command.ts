import { isDay, ValidationError } from '@marketbill/platform';
import { CATEGORIES, categoryOfCode, type CategoryInfo } from '../../domain/auction-category';
import type { CallBudgetStatus } from '../../clients/call-budget';
import type { ImportDeps } from '../../use-cases/import-auction-day';
import { backfillProgress } from '../../use-cases/backfill-progress';
import { cancelBackfill } from '../../use-cases/cancel-backfill';
import { listBackfills } from '../../use-cases/list-backfills';
import { requestBackfill } from '../../use-cases/request-backfill';
import { workOnBackfill, type BackfillSession } from '../../use-cases/work-on-backfill';
import { createProgressReporter } from './progress-reporter';

export type BackfillArgs =
  | { action: 'run'; from: string; to: string; categories: CategoryInfo[]; force: boolean }
  | { action: 'continue' }
  | { action: 'status' }
  | { action: 'cancel'; id: string };

export const BACKFILL_USAGE = [
  'usage: node dist/main.js backfill --from YYYY-MM-DD --to YYYY-MM-DD [--categories 1,2,3,4] [--force]',
  '       node dist/main.js backfill --status | --continue | --cancel <id>',
].join('\n');

/** Exit codes: 0 done, 1 failures or a refused key, 75 (EX_TEMPFAIL) paused for the call budget — it continues later. */
export const EXIT_DEFERRED = 75;

/** Parses the backfill command's arguments; throws a ValidationError naming the problem. */
export function parseBackfillArgs(argv: string[]): BackfillArgs {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw ValidationError.field(flag, `${flag} needs a value.\n${BACKFILL_USAGE}`);
    return v;
  };
  if (argv.includes('--status')) return { action: 'status' };
  if (argv.includes('--continue')) return { action: 'continue' };
  const cancel = value('--cancel');
  if (cancel !== undefined) {
    if (!/^\d{1,18}$/.test(cancel)) throw ValidationError.field('--cancel', '--cancel takes a backfill id (a number, see --status).');
    return { action: 'cancel', id: cancel };
  }
  const from = value('--from');
  const to = value('--to');
  if (!from || !isDay(from)) throw ValidationError.field('--from', `--from must be a day YYYY-MM-DD.\n${BACKFILL_USAGE}`);
  if (!to || !isDay(to)) throw ValidationError.field('--to', `--to must be a day YYYY-MM-DD.\n${BACKFILL_USAGE}`);
  if (from > to) throw ValidationError.field('--from', '--from must not be after --to.');
  const list = value('--categories');
  let categories: CategoryInfo[] = [...CATEGORIES];
  if (list !== undefined) {
    const codes = list.split(',').map((s) => s.trim());
    if (codes.some((c) => !/^[1-4]$/.test(c))) throw ValidationError.field('--categories', '--categories is a comma-separated list of 1, 2, 3, 4.');
    categories = [...new Set(codes.map(Number))].sort().map((c) => categoryOfCode(c));
  }
  return { action: 'run', from, to, categories, force: argv.includes('--force') };
}

export interface BackfillIo {
  tty: boolean;
  write: (text: string) => void;
  concurrency: number;
  /** When and in which zone the service continues pending backfills (BACKFILL_CRON), for the message. */
  continuesAt: string;
  signal?: AbortSignal;
}

function budgetLine(budget: CallBudgetStatus | undefined): string {
  if (!budget) return 'aT call budget: none (replay source)';
  const state = budget.exhausted ? ' — the server said its daily limit is reached' : '';
  return `aT call budget ${budget.day} (Seoul): ${budget.used} of ${budget.limit} calls used, ${budget.backfillLimit} for backfills${state}; resets ${budget.resetsAt.toISOString()}`;
}

/** What a session means, in words: the part of the report that must not be optimistic. */
function describeSession(session: BackfillSession, io: BackfillIo): { text: string; exitCode: number } {
  const { backfill, progress } = session;
  const head = `backfill #${backfill.id} ${backfill.from}…${backfill.to} (${backfill.categories.join(', ')}${backfill.force ? ', forced' : ''}): ${progress.done} of ${progress.total} day×category imported, ${progress.failed} given up, ${progress.remaining} remaining`;
  const lines = [head];
  for (const [pair, reason] of [...session.failures].slice(0, 20)) lines.push(`  given up: ${pair.replace('|', ' ')}: ${reason}`);
  const results = session.summary?.results ?? [];
  const failedNow = results.filter((r) => r.status === 'FAILED');
  for (const r of failedNow.slice(0, 20)) lines.push(`  failed now (tried again next session): ${r.saleDate} ${r.category}: ${r.error ?? 'unknown error'}`);
  lines.push(budgetLine(session.budget));
  let exitCode = 0;
  switch (session.outcome) {
    case 'finished':
      lines.push(progress.failed > 0 ? 'finished, with the pairs above given up on.' : 'finished.');
      exitCode = progress.failed > 0 ? 1 : 0;
      break;
    case 'deferred': {
      const perPair = results.length > 0 ? results.reduce((n, r) => n + Math.max(1, r.requests), 0) / results.length : 1;
      const perDay = session.budget ? Math.max(1, session.budget.backfillLimit) : undefined;
      const days = perDay ? Math.ceil((progress.remaining * perPair) / perDay) : undefined;
      lines.push(
        `paused: the daily aT call budget is used up (${session.summary?.stopMessage ?? 'no calls left today'}). ` +
          `Nothing is lost; the service continues this backfill ${io.continuesAt}, or run \`backfill --continue\` once the budget resets.` +
          (days ? ` About ${days} more day${days === 1 ? '' : 's'} at this budget.` : ''),
      );
      exitCode = EXIT_DEFERRED;
      break;
    }
    case 'partial':
      lines.push('every remaining pair was tried; the failures above are tried again on the next session.');
      exitCode = 1;
      break;
    case 'stopped':
      lines.push(`stopped: ${session.summary?.stopMessage ?? 'aborted'}; the backfill stays pending.`);
      exitCode = 1;
      break;
    case 'busy':
      lines.push('another process is working on this backfill right now (the service’s schedule?); see `backfill --status`.');
      exitCode = EXIT_DEFERRED;
      break;
    case 'not-pending':
      lines.push(`this backfill is ${backfill.status.toLowerCase()}.`);
      break;
  }
  return { text: `${lines.join('\n')}\n`, exitCode };
}

/**
 * The backfill command: records the request and works on it now, with a progress bar (TTY) or
 * progress lines; `--continue` works on every pending backfill; `--status` shows each backfill's
 * progress and today's call budget; `--cancel` drops a pending one. Returns the exit code.
 */
export async function runBackfillCommand(deps: ImportDeps, args: BackfillArgs, io: BackfillIo): Promise<number> {
  if (args.action === 'cancel') {
    const cancelled = await cancelBackfill(deps, args.id);
    io.write(cancelled ? `backfill #${args.id} cancelled (the days it imported stay).\n` : `no pending backfill #${args.id}.\n`);
    return cancelled ? 0 : 1;
  }
  if (args.action === 'status') {
    const backfills = await listBackfills(deps);
    if (backfills.length === 0) io.write('no backfills.\n');
    for (const b of backfills) {
      const { progress } = await backfillProgress(deps, b);
      const pct = progress.total === 0 ? 100 : Math.floor(((progress.done + progress.failed) / progress.total) * 100);
      const last = b.progress.stoppedBecause && b.status === 'PENDING' ? ` · last session stopped: ${b.progress.stoppedBecause}` : '';
      io.write(`#${b.id} ${b.status} ${b.from}…${b.to} ${b.categories.join(',')}${b.force ? ' forced' : ''}: ${pct}% · ${progress.done}/${progress.total} imported · ${progress.failed} given up · ${progress.remaining} remaining${last}\n`);
    }
    io.write(`${budgetLine(deps.budget ? await deps.budget.status() : undefined)}\n`);
    return 0;
  }

  const ids: string[] = [];
  if (args.action === 'run') {
    const { backfill, created } = await requestBackfill(deps, args);
    io.write(`backfill #${backfill.id} ${created ? 'recorded' : 'already pending; continuing it'}.\n`);
    ids.push(backfill.id);
  } else {
    ids.push(...(await listBackfills(deps, 0)).filter((b) => b.status === 'PENDING').map((b) => b.id));
    if (ids.length === 0) io.write('no pending backfills.\n');
  }
  let exitCode = 0;
  for (const id of ids) {
    const reporter = createProgressReporter({ tty: io.tty, write: io.write });
    const session = await workOnBackfill(deps, id, {
      concurrency: io.concurrency,
      onProgress: (p) => reporter.update(p),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    if (session.summary) reporter.finish(session.summary);
    const described = describeSession(session, io);
    io.write(described.text);
    // A failure outranks a pause: 1 if any session failed, else 75 if any paused, else 0.
    exitCode = exitCode === 1 || described.exitCode === 1 ? 1 : Math.max(exitCode, described.exitCode);
    if (session.outcome === 'deferred' || session.outcome === 'stopped') break;
  }
  return exitCode;
}
