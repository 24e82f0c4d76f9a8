import type { Logger } from 'pino';

export interface Shutdown {
  /** Adds a step; steps run in the order they were added (HTTP, consumers, schedules, ORM). */
  add(name: string, step: () => Promise<void> | void): void;
  /** Runs every step once, each even if an earlier one failed. Resolves when all ran. */
  run(reason: string): Promise<void>;
  /** Installs SIGTERM/SIGINT handlers and the fatal handlers for unhandled rejections. */
  install(): void;
}

/**
 * Graceful shutdown. On SIGTERM the steps run in order (stop taking HTTP requests, stop consumers so
 * offsets are committed, stop schedules, close the ORM) and the process exits 0; if they take longer
 * than `timeoutMs` it exits 1 anyway, so Kubernetes never has to SIGKILL a hung pod.
 */
export function createShutdown(options: { logger: Logger; timeoutMs: number; exit?: (code: number) => void }): Shutdown {
  const { logger, timeoutMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const steps: Array<{ name: string; step: () => Promise<void> | void }> = [];
  let running: Promise<void> | undefined;

  async function runSteps(reason: string): Promise<void> {
    logger.info({ reason }, 'shutdown started');
    for (const { name, step } of steps) {
      try {
        await step();
        logger.info({ step: name }, 'shutdown step done');
      } catch (error) {
        logger.error({ step: name, err: error }, 'shutdown step failed');
      }
    }
    logger.info('shutdown complete');
  }

  const shutdown: Shutdown = {
    add: (name, step) => void steps.push({ name, step }),
    run(reason) {
      running ??= runSteps(reason);
      return running;
    },
    install() {
      const onSignal = (signal: NodeJS.Signals) => {
        const timer = setTimeout(() => {
          logger.error({ timeoutMs }, 'shutdown timed out');
          exit(1);
        }, timeoutMs);
        timer.unref();
        void shutdown.run(signal).then(() => exit(0));
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      process.on('unhandledRejection', (reason) => {
        logger.fatal({ err: reason }, 'unhandled rejection');
        exit(1);
      });
      process.on('uncaughtException', (error) => {
        logger.fatal({ err: error }, 'uncaught exception');
        exit(1);
      });
    },
  };
  return shutdown;
}
