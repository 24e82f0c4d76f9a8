import type { Logger } from '@marketbill/platform';
import { createSealer } from '@marketbill/platform';
import { createRuntime, type Job, type Runtime } from '@marketbill/runtime';
import type { TopicEvents } from '@marketbill/schemas';
import { createLogProvider } from './clients/log-provider';
import { createSensProvider } from './clients/sens-provider';
import type { SmsProvider } from './clients/sms-provider';
import type { Config } from './config';
import { entities } from './data-access/entities';
import { migrations } from './data-access/migrations';
import { createWebLinks } from './domain/web-links';
import { createDeliveriesRouter } from './entry-points/http/deliveries-router';
import { subscriptions } from './entry-points/messaging/subscriptions';
import { createDeliverySender, type DeliverySender } from './entry-points/schedule/delivery-sender';
import { topics } from './topics';

export interface Service {
  runtime: Runtime<TopicEvents>;
  /** The sender job (undefined when SMS_SENDER_ENABLED=false). */
  sender: DeliverySender | undefined;
  start(): Promise<void>;
}

export interface ServiceOptions {
  onClosed?: () => Promise<void>;
  /** Log destination (tests read the log provider's lines). */
  logDestination?: Parameters<typeof createRuntime>[0]['logDestination'];
}

function createProvider(config: Config, logger: Logger): SmsProvider {
  const { sms } = config;
  if (sms.provider === 'sens') {
    return createSensProvider({ ...sms.sens, timeoutMs: sms.requestTimeoutMs, maxSockets: sms.sender.concurrency });
  }
  return createLogProvider({ logger, fullText: sms.logFullText, ratePerSecond: sms.log.ratePerSecond });
}

/** Composition root of the notifier service: config → ORM → entry points → shutdown hooks. */
export async function createService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const runtime = await createRuntime({
    config: config.runtime,
    entities,
    migrations,
    topics,
    publishes: [],
    ...(options.onClosed ? { onClosed: options.onClosed } : {}),
    ...(options.logDestination ? { logDestination: options.logDestination } : {}),
  });
  const schema = config.runtime.database.schema;
  const provider = createProvider(config, runtime.logger);
  const handlerDeps = {
    links: createWebLinks(config.publicWebUrl),
    provider,
    allowList: config.sms.allowList,
    appEnv: config.runtime.appEnv,
    sealer: createSealer(config.sealing),
  };
  runtime.http.use(createDeliveriesRouter({ orm: runtime.orm, internalApiCallers: config.internalApiCallers, logger: runtime.logger }));

  const { sender: s } = config.sms;
  const sender = s.enabled
    ? createDeliverySender({
        orm: runtime.orm,
        databaseUrl: config.runtime.database.url,
        schema,
        provider,
        policy: { maxAttempts: s.maxAttempts, initialDelayMs: s.initialRetryDelayMs, maxDelayMs: s.maxRetryDelayMs },
        concurrency: s.concurrency,
        leaseMs: s.claimLeaseMs,
        pollIntervalMs: s.pollIntervalMs,
        logger: runtime.logger,
      })
    : undefined;
  const jobs: Job[] = sender ? [sender] : [];
  runtime.logger.info({ provider: provider.name, sender: s.enabled, allowList: config.sms.allowList ? config.sms.allowList.size : 'off (production)' }, 'sms delivery configured');
  return {
    runtime,
    sender,
    start: () => runtime.start({ subscriptions: subscriptions(handlerDeps), jobs }),
  };
}
