import os from 'node:os';
import { checkInvariants, drain, type Figures } from './invariants';
import { createLoad, type Load } from './load';
import { runFault, type Fault, type FaultResult } from './faults';
import { stackFaults, type StackFaults } from './stack-control';
import { startWorld, type World } from './world';

export interface CampaignOptions {
  faults: Fault[];
  ordersPerSecond: number;
  statementEvery?: number;
  retailers?: number;
  /** Load before the first fault and between faults (steady state), ms. */
  settleMs?: number;
  log: (line: string) => void;
}

export interface CampaignReport {
  machine: string;
  startedAt: string;
  durationMs: number;
  ordersPerSecond: number;
  faults: FaultResult[];
  drainMs: number;
  figures: Figures;
  violations: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The machine the figures come from (the benchmarks' rule: figures carry their machine). */
export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/**
 * A fault campaign: the whole system under steady load through the edge while faults are injected
 * one after the other (each measured: how long it lasted, how long until the system caught up,
 * what clients saw); then the load stops, the system drains, and the invariants are checked.
 * The stack is restored whatever happens.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const stack: StackFaults = stackFaults((line) => options.log(`  ${line}`));
  const started = Date.now();
  let world: World | undefined;
  let load: Load | undefined;
  try {
    world = await startWorld({ log: options.log, ...(options.retailers ? { retailers: options.retailers } : {}) });
    load = createLoad(world, { ordersPerSecond: options.ordersPerSecond, ...(options.statementEvery ? { statementEvery: options.statementEvery } : {}), log: options.log });
    load.start();
    const results: FaultResult[] = [];
    for (const fault of options.faults) {
      await sleep(options.settleMs ?? 10_000);
      results.push(await runFault(fault, { world, load, stack, log: options.log }));
    }
    await sleep(options.settleMs ?? 10_000);
    await load.stop();
    const drainMs = await drain(world);
    const { violations, figures } = await checkInvariants(world, load);
    return {
      machine: machine(),
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      ordersPerSecond: options.ordersPerSecond,
      faults: results,
      drainMs,
      figures,
      violations,
    };
  } catch (error) {
    await load?.abort();
    throw error;
  } finally {
    await world?.stop().catch(() => undefined);
    await stack.restore();
  }
}

/** The report as the README's table. */
export function reportTable(report: CampaignReport): string {
  const lines = [
    `Machine: ${report.machine}; ${report.startedAt}; ${(report.durationMs / 60_000).toFixed(1)} min; load ${report.ordersPerSecond} orders/s.`,
    '',
    '| fault | lasted | caught up after | orders accepted during | client errors (status code: count) | duplicate SMS |',
    '|---|---|---|---|---|---|',
    ...report.faults.map(
      (f) =>
        `| ${f.name} | ${(f.faultMs / 1000).toFixed(1)} s | ${(f.recoveryMs / 1000).toFixed(1)} s | ${f.acceptedDuring} | ${
          Object.entries(f.clientErrors)
            .map(([k, n]) => `${k}: ${n}`)
            .join(', ') || 'none'
        } | ${f.duplicateSms} |`,
    ),
    '',
    `Orders accepted ${report.figures.ordersAccepted} (in ordering: ${report.figures.ordersInOrdering}); statements ${report.figures.statementsIssued}; ` +
      `SMS received ${report.figures.smsReceived}, duplicates ${report.figures.duplicateSms}; dead letters ${report.figures.deadLetters}; ` +
      `statement.issued re-sent ${report.figures.duplicateStatementEvents}; client-visible errors ${report.figures.clientErrors}; drained ${(report.drainMs / 1000).toFixed(1)} s after the load stopped.`,
    report.violations.length === 0 ? 'Invariants: all hold.' : `Invariants VIOLATED:\n${report.violations.map((v) => `- ${v}`).join('\n')}`,
  ];
  return lines.join('\n');
}
