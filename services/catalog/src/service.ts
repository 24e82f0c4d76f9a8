import { createRuntime, type Runtime } from '@marketbill/runtime';
import type { TopicEvents } from '@marketbill/schemas';
import type { Config } from './config';
import { entities } from './data-access/entities';
import { migrations } from './data-access/migrations';
import { createCatalogRouter } from './entry-points/http/catalog-router';
import { searchWarmUp } from './entry-points/http/search-warm-up';
import { subscriptions } from './entry-points/messaging/subscriptions';
import { createSettleJob } from './entry-points/schedule/settle-job';
import { topics } from './topics';

export interface Service {
  runtime: Runtime<TopicEvents>;
  start(): Promise<void>;
}

/** Composition root of the catalog service: config → ORM → internal API and subscriptions → shutdown hooks. */
export async function createService(config: Config, options: { onClosed?: () => Promise<void> } = {}): Promise<Service> {
  const runtime = await createRuntime({
    config: config.runtime,
    entities,
    migrations,
    topics,
    publishes: [],
    ...(options.onClosed ? { onClosed: options.onClosed } : {}),
  });
  // No ETag on the internal API: its one caller (the ordering edge) never revalidates, and Express
  // would hash every answer (a search page: ≈ 6 KB) to make one — ≈ 2 % of a search's CPU (bench/catalog).
  runtime.http.set('etag', false);
  runtime.http.use(createCatalogRouter({ orm: runtime.orm, internalApiCallers: config.internalApiCallers }));
  return {
    runtime,
    start: () =>
      runtime.start({
        subscriptions,
        jobs: [createSettleJob({ orm: runtime.orm, logger: runtime.logger })],
        ...(config.searchWarmUpRequests > 0 ? { warmUp: searchWarmUp(runtime.orm, config.searchWarmUpRequests) } : {}),
      }),
  };
}
