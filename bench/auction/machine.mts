// The machine a benchmark ran on, for its report.
import os from 'node:os';

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`;
}
