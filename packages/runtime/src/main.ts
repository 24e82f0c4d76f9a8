import { startTelemetry, type Telemetry } from '@marketbill/platform/telemetry';
import type { RuntimeConfig } from '@marketbill/platform/config';

/** What the entry point needs of a service. */
export interface MainService {
  runtime: { migrate(): Promise<unknown>; orm: { close(): Promise<unknown> } };
  start(): Promise<void>;
  /** Releases what a one-off command opened besides the ORM (e.g. an in-process replay server). */
  close?(): Promise<void>;
}

export interface CommandContext<C, S extends MainService> {
  config: C;
  service: S;
  telemetry: Telemetry;
  /** The arguments after the command's name. */
  args: string[];
}

export interface MainOptions<C extends { runtime: RuntimeConfig }, S extends MainService> {
  /** The service name (telemetry, logs). */
  service: string;
  readConfig: () => C;
  /** Loads the composition root, dynamically: express and pg must load after tracing started. */
  load: () => Promise<{ createService(config: C, options: { onClosed: () => Promise<void> }): Promise<S> }>;
  /** One-off commands besides `migrate` (`node dist/main.js <name> …`); the exit code they return. */
  commands?: Record<string, (ctx: CommandContext<C, S>) => Promise<number>>;
}

/**
 * The entry point every service shares. Only the configuration and telemetry are loaded before
 * tracing starts, so that http, express and pg are instrumented when the composition root loads
 * them. Without a command it runs the service; `migrate` applies pending migrations and exits (the
 * Kubernetes init container); a service may add commands of its own. A failure at start-up is one
 * JSON line on stderr and exit code 1.
 */
export function runMain<C extends { runtime: RuntimeConfig }, S extends MainService>(options: MainOptions<C, S>): void {
  const argv = process.argv.slice(2).filter((a) => !a.startsWith('-Dmarketbill.'));
  const commands: Record<string, (ctx: CommandContext<C, S>) => Promise<number>> = {
    migrate: async ({ service }) => {
      await service.runtime.migrate();
      return 0;
    },
    ...(options.commands ?? {}),
  };
  const name = argv.find((a) => a in commands);

  async function main(): Promise<void> {
    const config = options.readConfig();
    const telemetry = startTelemetry({ serviceName: options.service, ...config.runtime.telemetry });
    const { createService } = await options.load();
    const service = await createService(config, { onClosed: () => telemetry.shutdown() });
    if (!name) {
      await service.start();
      return;
    }
    const command = commands[name] as (ctx: CommandContext<C, S>) => Promise<number>;
    try {
      process.exitCode = await command({ config, service, telemetry, args: argv.slice(argv.indexOf(name) + 1) });
    } finally {
      await service.close?.();
      await service.runtime.orm.close();
      await telemetry.shutdown();
    }
  }

  main().catch((error: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', service: options.service, msg: 'start-up failed', err: String(error instanceof Error ? error.stack : error) })}\n`,
    );
    process.exit(1);
  });
}
