import { createRuntime, type Runtime } from '@marketbill/runtime';
import type { TopicEvents } from '@marketbill/schemas';
import type { Config } from './config';
import { entities } from './data-access/entities';
import { migrations } from './data-access/migrations';
import { failAbandonedRuns } from './data-access/import-run-repository';
import { createAtApiClient, type AuctionSourceClient } from './clients/at-api-client';
import type { CallBudget } from './clients/call-budget';
import { startReplayServer, type ReplayServer } from './clients/replay-server';
import { createCallBudget } from './use-cases/create-call-budget';
import { createImportScheduleJob } from './entry-points/schedule/import-schedule-job';
import type { ImportDeps } from './use-cases/import-auction-day';
import { topics } from './topics';

export interface Service {
  runtime: Runtime<TopicEvents>;
  /** What the use cases need: the ORM, the auction source, the logger. */
  deps: ImportDeps;
  start(): Promise<void>;
  /** Closes what `createService` opened besides the runtime (the replay server). */
  closeSource(): Promise<void>;
  /** What runMain calls after a one-off command (the replay server, if one was started). */
  close(): Promise<void>;
}

/**
 * The auction source: the live aT API with the configured key, or — the embedded default — the
 * replay server in this process, reached through the very same client (paging, parsing, retries).
 */
async function createSource(config: Config, runtime: Runtime<TopicEvents>): Promise<{ client: AuctionSourceClient; budget?: CallBudget; replay?: ReplayServer }> {
  const common = {
    pageSize: config.auction.pageSize,
    maxPageSize: config.auction.maxPageSize,
    timeoutMs: config.auction.timeoutMs,
    attempts: config.auction.attempts,
    logger: runtime.logger,
  };
  if (config.auction.source === 'at-api') {
    // The key's daily quota is shared by every process using it: counted in the database.
    const budget = createCallBudget(runtime.orm, { limit: config.auction.dailyCallBudget, scheduleReserve: config.auction.scheduleReservedCalls });
    return {
      client: createAtApiClient({ ...common, source: 'AT_API', url: config.auction.apiUrl, serviceKey: config.auction.apiKey as string, minIntervalMs: config.auction.minIntervalMs, budget }),
      budget,
    };
  }
  const replay = await startReplayServer(config.replay);
  // Only by name in production (AUCTION_SOURCE=replay; see config.ts): say so loudly there.
  const level = config.runtime.appEnv === 'production' ? 'warn' : 'info';
  runtime.logger[level]({ seed: config.replay.seed, appEnv: config.runtime.appEnv }, 'auction source is the synthetic replay (not real market data)');
  return { client: createAtApiClient({ ...common, source: 'REPLAY', url: replay.url, serviceKey: replay.serviceKey, minIntervalMs: 0 }), replay };
}

/** Composition root of the auction-ingest service: config → ORM → source → schedule → shutdown hooks. */
export async function createService(config: Config, options: { onClosed?: () => Promise<void> } = {}): Promise<Service> {
  const runtime = await createRuntime({
    config: config.runtime,
    entities,
    migrations,
    topics,
    publishes: ['auction.price.updated'],
    ...(options.onClosed ? { onClosed: options.onClosed } : {}),
  });
  const source = await createSource(config, runtime);
  const deps: ImportDeps = { orm: runtime.orm, source: source.client, budget: source.budget, logger: runtime.logger };
  const closeSource = async () => {
    await source.replay?.close();
  };
  return {
    runtime,
    deps,
    closeSource,
    close: closeSource,
    async start() {
      const jobs = config.schedule.enabled
        ? [
            {
              name: 'abandoned-runs',
              // Runs left RUNNING by a crashed process would otherwise look in progress forever.
              start: async () => void (await failAbandonedRuns(runtime.orm.em.fork(), 30)),
              stop: () => undefined,
            },
            createImportScheduleJob(deps, { ...config.schedule, logger: runtime.logger }),
          ]
        : [];
      jobs.push({ name: 'replay-source', start: () => undefined, stop: closeSource });
      await runtime.start({ subscriptions: [], jobs });
    },
  };
}
