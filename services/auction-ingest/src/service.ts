import { createRuntime, type Runtime } from '@marketbill/runtime';
import type { Config } from './config';
import { entities } from './data-access/entities';
import { migrations } from './data-access/migrations';

export interface Service {
  runtime: Runtime;
  start(): Promise<void>;
}

/** Composition root of the auction-ingest service: config → ORM → entry points → shutdown hooks. */
export async function createService(config: Config, options: { onClosed?: () => Promise<void> } = {}): Promise<Service> {
  const runtime = await createRuntime({
    config: config.runtime,
    entities,
    migrations,
    publishes: ['auction.price.updated'],
    ...(options.onClosed ? { onClosed: options.onClosed } : {}),
  });
  return {
    runtime,
    start: () => runtime.start({ subscriptions: [], jobs: [] }),
  };
}
