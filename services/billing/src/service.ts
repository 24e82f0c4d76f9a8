import { createRuntime, type Runtime } from '@marketbill/runtime';
import type { TopicEvents } from '@marketbill/schemas';
import { createSealImageClient } from './clients/seal-image-client';
import { createStatementRenderer } from './clients/statement-pdf/statement-renderer';
import { createStatementStore, type StatementStore } from './clients/statement-store';
import type { Config } from './config';
import { entities } from './data-access/entities';
import { migrations } from './data-access/migrations';
import { createInternalRouter } from './entry-points/http/internal-router';
import { subscriptions } from './entry-points/messaging/subscriptions';
import { createResumeStatementsJob } from './entry-points/schedule/resume-statements-job';
import type { IssuingDeps } from './use-cases/issuing-deps';
import { topics } from './topics';

export interface Service {
  runtime: Runtime<TopicEvents>;
  /** What the use cases run with (tests call use cases and read the store through it). */
  deps: IssuingDeps;
  store: StatementStore;
  start(): Promise<void>;
}

/** Composition root of the billing service: config → ORM → clients → entry points → shutdown hooks. */
export async function createService(config: Config, options: { onClosed?: () => Promise<void>; logDestination?: Parameters<typeof createRuntime>[0]['logDestination'] } = {}): Promise<Service> {
  const runtime = await createRuntime({
    config: config.runtime,
    entities,
    migrations,
    topics,
    publishes: ['statement.issued'],
    ...(options.onClosed ? { onClosed: options.onClosed } : {}),
    ...(options.logDestination ? { logDestination: options.logDestination } : {}),
  });
  const store = createStatementStore(config.s3);
  const deps: IssuingDeps = {
    orm: runtime.orm,
    store,
    seals: createSealImageClient({ ...config.seal, logger: runtime.logger }),
    renderer: createStatementRenderer({ ...config.rendering, logger: runtime.logger }),
    logger: runtime.logger,
    leaseSeconds: config.issuing.leaseSeconds,
    owner: () => runtime.presence.ownerId,
    viewWaitMs: config.issuing.viewWaitMs,
  };
  runtime.http.use('/internal/v1', createInternalRouter(deps, config.internalApiCallers));
  return {
    runtime,
    deps,
    store,
    async start() {
      await runtime.start({
        subscriptions,
        dependencies: [
          {
            name: 's3',
            check: async () => {
              const outcome = await store.checkBucket({ create: config.s3.createBucket });
              if (outcome === 'created') runtime.logger.info({ bucket: store.bucket }, 'statement bucket created');
              if (outcome === 'unverified') {
                runtime.logger.warn({ bucket: store.bucket }, 'statement bucket not checkable (HeadBucket 403): assuming it exists; uploads will tell');
              }
            },
          },
        ],
        jobs: [
          createResumeStatementsJob(deps, { intervalSeconds: config.issuing.resumeIntervalSeconds, maxAttempts: config.issuing.resumeMaxAttempts }),
          // Stopped after the HTTP server and consumers, so no render is cut off.
          { name: 'statement-renderer', start: () => undefined, stop: () => deps.renderer.close() },
        ],
      });
    },
  };
}
