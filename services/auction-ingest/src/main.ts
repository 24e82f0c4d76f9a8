import { startTelemetry } from '@marketbill/platform/telemetry';
import { readConfig } from './config';

/**
 * Entry point. Only the configuration and telemetry are loaded before tracing starts, so that
 * http, express and pg are instrumented when the service module requires them.
 *   node dist/main.js            run the service (schedule, catch-up, outbox relay)
 *   node dist/main.js migrate    apply pending migrations and exit (Kubernetes Job)
 *   node dist/main.js backfill --from YYYY-MM-DD --to YYYY-MM-DD [--categories 1,2,3,4] [--force]
 *                                import a date range (resumable); the running service's relay publishes the events
 */
async function main(): Promise<void> {
  const config = readConfig();
  const command = process.argv.slice(2).find((a) => a === 'migrate' || a === 'backfill');
  const telemetry = startTelemetry({ serviceName: 'auction-ingest', tracesEndpoint: config.runtime.telemetry.tracesEndpoint });
  const { createService } = await import('./service.js');
  const service = await createService(config, { onClosed: () => telemetry.shutdown() });
  if (command === 'migrate') {
    await service.runtime.migrate();
    await service.closeSource();
    await service.runtime.orm.close();
    await telemetry.shutdown();
    return;
  }
  if (command === 'backfill') {
    const { parseBackfillArgs, runBackfillCommand } = await import('./entry-points/cli/backfill-command.js');
    const args = parseBackfillArgs(process.argv.slice(process.argv.indexOf('backfill') + 1));
    if (config.runtime.database.migrateOnStart) await service.runtime.migrate();
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    process.once('SIGTERM', () => abort.abort());
    const summary = await runBackfillCommand(service.deps, args, {
      tty: process.stderr.isTTY === true,
      write: (text) => process.stderr.write(text),
      concurrency: config.schedule.concurrency,
      signal: abort.signal,
    });
    await service.closeSource();
    await service.runtime.orm.close();
    await telemetry.shutdown();
    process.exitCode = summary.failed > 0 || abort.signal.aborted ? 1 : 0;
    return;
  }
  await service.start();
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 'auction-ingest', msg: 'start-up failed', err: String(error instanceof Error ? error.stack : error) })}\n`);
  process.exit(1);
});
