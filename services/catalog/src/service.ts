import { createRuntime, type Runtime } from '@marketbill/runtime';
import type { TopicEvents } from '@marketbill/schemas';
import type { Config } from './config';
import { entities } from './data-access/entities';
import { migrations } from './data-access/migrations';
import { createCatalogRouter } from './entry-points/http/catalog-router';
import { subscriptions } from './entry-points/messaging/subscriptions';
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
  runtime.http.use(createCatalogRouter({ orm: runtime.orm, internalApiCallers: config.internalApiCallers }));
  return {
    runtime,
    start: () => runtime.start({ subscriptions, jobs: [] }),
  };
}
