import { createRuntime, type Runtime } from '@marketbill/runtime';
import type { Config } from './config';
import { entities } from './data-access/entities';
import { migrations } from './data-access/migrations';

export interface Service {
  runtime: Runtime;
  start(): Promise<void>;
}

/** Composition root of the ordering service: config → ORM → entry points → shutdown hooks. */
export async function createService(config: Config, options: { onClosed?: () => Promise<void> } = {}): Promise<Service> {
  const runtime = await createRuntime({
    config: config.runtime,
    entities,
    migrations,
    publishes: ['order.placed', 'order.updated', 'connection.requested', 'connection.decided', 'account.verification.requested', 'wholesaler.profile.updated'],
    ...(options.onClosed ? { onClosed: options.onClosed } : {}),
  });
  return {
    runtime,
    start: () => runtime.start({ subscriptions: [], jobs: [] }),
  };
}
