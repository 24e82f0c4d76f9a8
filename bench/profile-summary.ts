// Flame summary of a V8 CPU profile (`node --cpu-prof`): the frames with the most self time, and the
// same time grouped by where the code comes from (a package under node_modules, our own packages and
// services, Node's internals, the garbage collector, idle). A text answer to "where does the time
// go", for the benchmark reports.
//
//   node bench/profile-summary.ts bench/out/CPU.….cpuprofile [--top 15] [--skip <seconds of start-up to leave out>]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives: `(idle)`, `(gc)`, `node:…`, a package name, or our own folder. */
export function originOf(url: string, functionName: string): string {
  if (functionName === '(idle)' || functionName === '(garbage collector)' || functionName === '(program)') return functionName;
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const ours = /\/(services|packages)\/([^/]+)\//.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url.replace(/^file:\/\//, '');
}

export interface FlameSummary {
  totalMs: number;
  top: Array<{ ms: number; share: number; frame: string }>;
  byOrigin: Array<{ ms: number; share: number; origin: string }>;
}

/**
 * Self time per frame and per origin of a profile's samples, leaving out the first `skipSeconds`
 * (start-up: module loading and compilation) and the idle samples (shares are of busy time).
 */
export function summarizeProfile(profile: Profile, top = 15, skipSeconds = 0): FlameSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < skipSeconds * 1e6) return;
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const frames = new Map<string, number>();
  const origins = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/(services|packages)\//, '$1/');
    const frame = `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
    frames.set(frame, (frames.get(frame) ?? 0) + us);
    const origin = originOf(url, functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
    total += us;
  }
  const rank = <K extends string>(m: Map<string, number>, key: K, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ ms: Math.round(us / 1000), share: total > 0 ? us / total : 0, [key]: name }) as { ms: number; share: number } & Record<K, string>);
  return { totalMs: Math.round(total / 1000), top: rank(frames, 'frame', top), byOrigin: rank(origins, 'origin', 12) };
}

/** The summary as Markdown tables (what the reports paste). */
export function formatSummary(s: FlameSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return [
    `profile: ${(s.totalMs / 1000).toFixed(1)} s of busy samples (idle left out; shares are of busy time)`,
    '',
    '| self time | share | frame |',
    '|---:|---:|---|',
    ...s.top.map((t) => `| ${t.ms} ms | ${pct(t.share)} | \`${t.frame}\` |`),
    '',
    '| self time | share | where the code comes from |',
    '|---:|---:|---|',
    ...s.byOrigin.map((o) => `| ${o.ms} ms | ${pct(o.share)} | ${o.origin} |`),
  ].join('\n');
}

if (import.meta.main) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/profile-summary.ts <file.cpuprofile> [--top N]\n');
    process.exit(2);
  }
  const i = process.argv.indexOf('--top');
  const top = i > 0 ? Number(process.argv[i + 1]) : 15;
  const k = process.argv.indexOf('--skip');
  const skip = k > 0 ? Number(process.argv[k + 1]) : 0;
  process.stdout.write(`${formatSummary(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile, top, skip))}\n`);
}
