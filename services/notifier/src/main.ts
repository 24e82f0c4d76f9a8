import { startTelemetry } from '@marketbill/platform/telemetry';
import { readConfig } from './config';

/**
 * Entry point. Only the configuration and telemetry are loaded before tracing starts, so that
 * http, express and pg are instrumented when the service module requires them.
 *   node dist/main.js           run the service
 *   node dist/main.js migrate   apply pending migrations and exit (Kubernetes Job)
 */
async function main(): Promise<void> {
  const config = readConfig();
  const telemetry = startTelemetry({ serviceName: 'notifier', tracesEndpoint: config.runtime.telemetry.tracesEndpoint });
  const { createService } = await import('./service.js');
  const service = await createService(config, { onClosed: () => telemetry.shutdown() });
  if (process.argv.includes('migrate')) {
    await service.runtime.migrate();
    await service.runtime.orm.close();
    await telemetry.shutdown();
    return;
  }
  await service.start();
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 'notifier', msg: 'start-up failed', err: String(error instanceof Error ? error.stack : error) })}\n`);
  process.exit(1);
});
