import type { ImportProgress } from '../../use-cases/run-import-tasks';

export interface ProgressReporter {
  update(progress: ImportProgress): void;
  finish(progress: ImportProgress): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Backfill progress: a bar redrawn in place on a terminal, plain lines (at most one every
 * `intervalMs`) when the output is a file or a pipe, so logs stay readable.
 */
export function createProgressReporter(options: { tty: boolean; write: (text: string) => void; width?: number; intervalMs?: number; now?: () => number }): ProgressReporter {
  const now = options.now ?? Date.now;
  const started = now();
  const width = options.width ?? 30;
  const interval = options.intervalMs ?? 5_000;
  let lastLine = 0;

  function line(p: ImportProgress): string {
    const elapsed = (now() - started) / 1000;
    const fraction = p.total === 0 ? 1 : p.done / p.total;
    const worked = p.done - p.skipped;
    const left = p.total - p.done;
    const eta = worked > 0 ? (elapsed / worked) * left : Number.NaN;
    const rate = elapsed > 0 ? Math.round(p.rowsRead / elapsed) : 0;
    const waiting = p.deferred > 0 ? ` · ${p.deferred} waiting for call budget` : '';
    const stats = `${p.done}/${p.total} day×category · ${p.skipped} skipped · ${p.failed} failed${waiting} · ${p.rowsRead} rows (${rate}/s) · ${p.rowsPublished} published · ETA ${p.deferred > 0 ? 'next budget' : duration(eta)}`;
    if (!options.tty) return `backfill ${Math.floor(fraction * 100)}% ${stats}`;
    const filled = Math.round(fraction * width);
    return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${stats}`;
  }

  return {
    update(p) {
      if (options.tty) {
        options.write(`\r\x1b[2K${line(p)}`);
        return;
      }
      if (now() - lastLine >= interval) {
        lastLine = now();
        options.write(`${line(p)}\n`);
      }
    },
    finish(p) {
      options.write(options.tty ? `\r\x1b[2K${line(p)}\n` : `${line(p)}\n`);
    },
  };
}
