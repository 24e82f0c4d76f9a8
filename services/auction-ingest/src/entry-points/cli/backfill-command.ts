import { isDay, ValidationError } from '@marketbill/platform';
import { CATEGORIES, categoryOfCode, type CategoryInfo } from '../../domain/auction-category';
import type { ImportDeps } from '../../use-cases/import-auction-day';
import { backfillAuctionDays } from '../../use-cases/backfill-auction-days';
import type { ImportSummary } from '../../use-cases/run-import-tasks';
import { createProgressReporter } from './progress-reporter';

export interface BackfillArgs {
  from: string;
  to: string;
  categories: CategoryInfo[];
  force: boolean;
}

export const BACKFILL_USAGE = 'usage: node dist/main.js backfill --from YYYY-MM-DD --to YYYY-MM-DD [--categories 1,2,3,4] [--force]';

/** Parses `backfill --from … --to … [--categories 1,2] [--force]`; throws a ValidationError naming the problem. */
export function parseBackfillArgs(argv: string[]): BackfillArgs {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw ValidationError.field(flag, `${flag} needs a value. ${BACKFILL_USAGE}`);
    return v;
  };
  const from = value('--from');
  const to = value('--to');
  if (!from || !isDay(from)) throw ValidationError.field('--from', `--from must be a day YYYY-MM-DD. ${BACKFILL_USAGE}`);
  if (!to || !isDay(to)) throw ValidationError.field('--to', `--to must be a day YYYY-MM-DD. ${BACKFILL_USAGE}`);
  if (from > to) throw ValidationError.field('--from', '--from must not be after --to.');
  const list = value('--categories');
  let categories: CategoryInfo[] = [...CATEGORIES];
  if (list !== undefined) {
    const codes = list.split(',').map((s) => s.trim());
    if (codes.some((c) => !/^[1-4]$/.test(c))) throw ValidationError.field('--categories', '--categories is a comma-separated list of 1, 2, 3, 4.');
    categories = [...new Set(codes.map(Number))].sort().map((c) => categoryOfCode(c));
  }
  return { from, to, categories, force: argv.includes('--force') };
}

/** Runs the backfill with a progress bar (TTY) or progress lines, and prints a summary. */
export async function runBackfillCommand(
  deps: ImportDeps,
  args: BackfillArgs,
  io: { tty: boolean; write: (text: string) => void; concurrency: number; signal?: AbortSignal },
): Promise<ImportSummary> {
  const reporter = createProgressReporter({ tty: io.tty, write: io.write });
  const summary = await backfillAuctionDays(deps, {
    ...args,
    concurrency: io.concurrency,
    onProgress: (p) => reporter.update(p),
    ...(io.signal ? { signal: io.signal } : {}),
  });
  reporter.finish(summary);
  for (const failed of summary.results.filter((r) => r.status === 'FAILED')) {
    io.write(`failed: ${failed.saleDate} ${failed.category}: ${failed.error ?? 'unknown error'}\n`);
  }
  return summary;
}
