// The long fault campaign: `npm run faults` (tests/faults/README.md). The whole system on this
// checkout's local stack, steady load through the edge, and every fault of the list one after the
// other; then the invariants. Prints the table the README records and writes the full report as
// JSON under .stack/faults/. Exit code 1 when an invariant is violated.
//
//   npm run faults                          the full list, 3 orders/s
//   npm run faults -- --rate 5 --only kafka,postgres
//
// It stops, kills and freezes the stack's servers: run it alone (not beside `npm test`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';
import { reportTable, runCampaign } from './harness/campaign';
import {
  kafkaDown,
  killOneOfTwo,
  killService,
  postgresDown,
  postgresRestart,
  registryDownColdNotifier,
  s3Down,
  type Fault,
} from './harness/faults';
import { stackCommand } from './harness/stack-control';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** The faults of the original campaign (issue 15), each with the tag `--only` selects it by. */
const ALL: Array<[string, Fault]> = [
  ['services', killService('auction-ingest')],
  ['services', killService('catalog')],
  ['services', killService('ordering')],
  ['services', killService('billing')],
  ['services', killService('notifier')],
  ['replicas', killOneOfTwo('ordering', { downMs: 30_000 })],
  ['replicas', killOneOfTwo('billing', { downMs: 30_000 })],
  ['kafka', kafkaDown('freeze', 30_000)],
  ['kafka', kafkaDown('kill', 30_000)],
  ['postgres', postgresRestart()],
  ['postgres', postgresDown(45_000)],
  ['postgres', postgresDown(120_000, { underBacklogMs: 20_000 })],
  ['registry', registryDownColdNotifier(60_000)],
  ['s3', s3Down(60_000)],
];

async function main(): Promise<number> {
  const rate = Number(option('rate', '3'));
  const only = option('only', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const faults = ALL.filter(([tag]) => only.length === 0 || only.includes(tag)).map(([, f]) => f);
  const log = (line: string) => process.stderr.write(`faults: ${line}\n`);
  // The checkout's stack, started when it does not run (the same as `npm run stack -- up --fast`).
  await stackCommand(['up', '--fast'], log);
  // The stack's settings for the services and the harness (as npm test hands them to Jest).
  for (const line of (await stackCommand(['env'])).split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) process.env[m[1] as string] = m[2];
  }
  process.env.MB_STACK_CONTROL = 'local';
  const report = await runCampaign({ faults, ordersPerSecond: rate, settleMs: 15_000, log });
  const table = reportTable(report);
  process.stdout.write(`${table}\n`);
  const dir = join(repoRoot, '.stack', 'faults');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `campaign-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`report written to ${file}`);
  return report.violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`faults: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
