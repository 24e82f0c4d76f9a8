import { createSealer } from '@marketbill/platform';
import { createRuntime, type Runtime } from '@marketbill/runtime';
import type { TopicEvents } from '@marketbill/schemas';
import { createBillingClient } from './clients/billing-client';
import { createCatalogClient } from './clients/catalog-client';
import { createNotifierClient } from './clients/notifier-client';
import type { Config } from './config';
import { entities } from './data-access/entities';
import { migrations } from './data-access/migrations';
import { createAuthenticator } from './entry-points/http/authenticate';
import { corsMiddleware } from './entry-points/http/cors';
import { createPublicApi, type PublicApi } from './entry-points/http/public-api';
import { subscriptions } from './entry-points/messaging/subscriptions';
import { createCutoffJob } from './entry-points/schedule/cutoff-job';
import { createHousekeepingJob } from './entry-points/schedule/housekeeping-job';
import { createUseCaseContext, type Settings, type UseCaseContext } from './use-cases/context';
import { topics } from './topics';

export interface Service {
  runtime: Runtime<TopicEvents>;
  api: PublicApi;
  /** A use-case context outside any request (seed script, tests). */
  context(): UseCaseContext;
  start(): Promise<void>;
}

/** Composition root of the ordering service: config → ORM → entry points → shutdown hooks. */
export async function createService(config: Config, options: { onClosed?: () => Promise<void>; logDestination?: Parameters<typeof createRuntime>[0]['logDestination'] } = {}): Promise<Service> {
  const runtime = await createRuntime({
    config: config.runtime,
    entities,
    migrations,
    // CORS runs before the body parser so that every answer a browser gets, a 400 for a malformed
    // body included, carries the headers it needs to read it.
    beforeBody: [corsMiddleware(config.cors.allowedOrigins)],
    topics,
    publishes: ['order.placed', 'order.updated', 'connection.requested', 'connection.decided', 'account.verification.requested', 'wholesaler.profile.updated', 'retailer.profile.updated'],
    ...(options.onClosed ? { onClosed: options.onClosed } : {}),
    ...(options.logDestination ? { logDestination: options.logDestination } : {}),
  });
  const settings: Settings = { auth: config.auth, rateLimits: config.rateLimits, cutoff: config.cutoff, sealer: createSealer({ current: config.eventSealingKey }) };
  // One credential per callee: a token that leaks from (or to) one service opens no other.
  const catalog = createCatalogClient({ baseUrl: config.catalog.url, token: config.catalog.token, timeoutMs: config.catalog.timeoutMs });
  const billing = createBillingClient({ baseUrl: config.billing.url, token: config.billing.token, timeoutMs: config.billing.timeoutMs });
  const notifier = createNotifierClient({ baseUrl: config.notifier.url, token: config.notifier.token, timeoutMs: config.notifier.timeoutMs });
  const authenticate = createAuthenticator({ orm: runtime.orm, key: config.auth.accessTokenSecret, cacheMs: config.auth.sessionCheckCacheMs });
  const api = createPublicApi({ orm: runtime.orm, settings, logger: runtime.logger, authenticate, owner: () => runtime.presence.ownerId, catalog, billing, notifier, version: '1.0.0' });
  runtime.http.use(api.docs);
  runtime.http.use(api.api);
  const jobDeps = { orm: runtime.orm, settings, logger: runtime.logger };
  const jobs = [createHousekeepingJob(jobDeps), ...(config.cutoff.jobEnabled ? [createCutoffJob(jobDeps)] : [])];
  return {
    runtime,
    api,
    context: () => createUseCaseContext(runtime.orm.em.fork(), settings, runtime.logger),
    start: () => runtime.start({ subscriptions, jobs }),
  };
}
