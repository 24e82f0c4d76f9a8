// The machine a benchmark ran on, printed with every figure (figures without it mean little).
import os from 'node:os';

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const memGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  return `${cpu} × ${os.cpus().length} cores, ${memGiB} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, load average at start ${load}`;
}

/** Percentile of sorted numbers (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
