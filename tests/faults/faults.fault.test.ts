import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, jest } from '@jest/globals';
import { repoRoot } from '../support/paths';
import { reportTable, runCampaign } from './harness/campaign';
import { kafkaDown, killOneOfTwo, killService, postgresDown, registryDownColdNotifier, s3Down } from './harness/faults';
import { stackCommand, stackIsControllable } from './harness/stack-control';

// The short fault suite `npm test` runs after every other test, alone (it stops the shared stack's
// servers). The long campaign is `npm run faults` (tests/faults/README.md).
jest.setTimeout(40 * 60_000);

const log = (line: string) => process.stderr.write(`faults: ${line}\n`);

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('the system under infrastructure faults', () => {
  it('When services are killed and Kafka, the registry, S3 and Postgres go away under steady load, then every accepted order exists once, billing’s view is current, each statement has one charge, one PDF and one event, every SMS owed went out, and nothing is dead-lettered', async () => {
    if (!stackIsControllable()) throw new Error('the fault suite needs the checkout’s own local stack (npm test runs it only then)');
    const report = await runCampaign({
      ordersPerSecond: 1.5,
      retailers: 5,
      settleMs: 8_000,
      log,
      faults: [
        killService('notifier'),
        killOneOfTwo('billing', { downMs: 15_000 }),
        killOneOfTwo('ordering', { downMs: 10_000 }),
        kafkaDown('stop', 20_000),
        // A broker that holds its connections and answers nothing: no client sees an error for 30 s.
        kafkaDown('freeze', 20_000),
        registryDownColdNotifier(20_000),
        s3Down(20_000),
        postgresDown(120_000, { underBacklogMs: 15_000 }),
      ],
    });
    log(`\n${reportTable(report)}`);
    expect(report.violations).toEqual([]);
    expect(report.figures.deadLetters).toBe(0);
    expect(report.figures.ordersAccepted).toBeGreaterThan(50);
    expect(report.figures.statementsIssued).toBeGreaterThan(10);
    // The outbox's promise: orders keep being taken while Kafka is down.
    expect(report.faults.find((f) => f.name.startsWith('Kafka'))?.acceptedDuring).toBeGreaterThan(0);
  });

  it('When Postgres is restarted with pg_ctl behind the stack tool’s back, then the tool still stops it and starts it again', async () => {
    if (!stackIsControllable()) throw new Error('the fault suite needs the checkout’s own local stack (npm test runs it only then)');
    const port = Number(process.env.MB_PG_PORT ?? 26432);
    const data = realpathSync(join(repoRoot, '.stack', 'postgres', 'data'));
    const pgCtl = join(process.env.MB_PG_BIN ?? '/usr/lib/postgresql/15/bin', 'pg_ctl');
    const asPostgres = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', pgCtl]] : [pgCtl, []];
    try {
      // What an operator (or the original fault campaign) did: the pid file in .stack now names a dead process.
      execFileSync(asPostgres[0] as string, [...(asPostgres[1] as string[]), '-D', data, '-m', 'fast', '-w', 'restart'], { stdio: 'ignore' });
      expect(await portAnswers(port)).toBe(true);
      await stackCommand(['stop', 'postgres'], log);
      expect(await portAnswers(port)).toBe(false);
      expect(await stackCommand(['status'])).toMatch(/postgres\s+stopped/);
    } finally {
      await stackCommand(['up', '--fast'], log);
    }
    expect(await portAnswers(port)).toBe(true);
  });
});
