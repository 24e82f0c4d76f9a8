// First: which modules' source maps are kept is decided as they load.
import '@marketbill/runtime/source-maps';
import { runMain } from '@marketbill/runtime/main';
import { readConfig } from './config';

/**
 * Entry point (see runMain):
 *   node dist/main.js            run the service (schedule, catch-up, outbox relay)
 *   node dist/main.js migrate    apply pending migrations and exit (the Kubernetes init container)
 *   node dist/main.js backfill --from YYYY-MM-DD --to YYYY-MM-DD [--categories 1,2,3,4] [--force]
 *                                record a backfill and work on it within today's aT call budget; the
 *                                service continues it on the following days (BACKFILL_CRON); the
 *                                running service's relay publishes the events
 *   node dist/main.js backfill --status | --continue | --cancel <id>
 */
runMain({
  service: 'auction-ingest',
  readConfig,
  load: () => import('./service.js'),
  commands: {
    async backfill({ config, service, args }) {
      const { parseBackfillArgs, runBackfillCommand } = await import('./entry-points/cli/backfill-command.js');
      const parsed = parseBackfillArgs(args);
      if (config.runtime.database.migrateOnStart) await service.runtime.migrate();
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      process.once('SIGTERM', () => abort.abort());
      return runBackfillCommand(service.deps, parsed, {
        tty: process.stderr.isTTY === true,
        write: (text) => process.stderr.write(text),
        concurrency: config.schedule.concurrency,
        continuesAt: `at ${config.schedule.backfillCron} (${config.schedule.timezone}) when IMPORT_SCHEDULE_ENABLED`,
        signal: abort.signal,
      });
    },
  },
});
