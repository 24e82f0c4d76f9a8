import { z } from 'zod';
import { flag, loadConfig, messagingEnv, platformEnv, port, positiveInt, toRuntimeConfig, type Env } from '@marketbill/platform/config';

const nonNegativeInt = () => z.coerce.number().int().min(0);

/** Every setting of the auction-ingest service, by environment variable; `describeEnv(envSchema.shape)` lists them. */
export const envSchema = z.object({
  ...platformEnv,
  ...messagingEnv,
  HTTP_PORT: port().default(8084).describe('Port of the HTTP server.'),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('auction_ingest').describe('Postgres schema owned by this service.'),
  AUCTION_SOURCE: z
    .enum(['auto', 'at-api', 'replay'])
    .default('auto')
    .describe(
      'Where auction days come from: the live aT API, the built-in synthetic replay, or auto (the aT API when AT_API_KEY is set, else replay — outside production only: with APP_ENV=production, auto without a key is a configuration error, and replay must be asked for by name).',
    ),
  AT_API_KEY: z.string().min(1).optional().describe('Service key of the aT open API (secret; never logged). Unset = the replay source (outside production).'),
  AT_API_URL: z.url().default('https://flower.at.or.kr/api/returnData.api').describe('The aT open API endpoint (kind=f001).'),
  AT_PAGE_SIZE: positiveInt().max(10_000).default(1000).describe('Rows per page requested (countPerPage).'),
  AT_TIMEOUT_MS: positiveInt().default(15_000).describe('Time-out of one aT request.'),
  AT_RETRY_ATTEMPTS: positiveInt().max(20).default(5).describe('Attempts per page on network errors, time-outs, 429 and 5xx (exponential backoff).'),
  AT_MIN_REQUEST_INTERVAL_MS: nonNegativeInt().default(250).describe('Least time between two aT requests (politeness); the replay source uses 0.'),
  IMPORT_CRON: z.string().default('30 10 * * 1-6').describe('When to import, as a cron expression in IMPORT_TIMEZONE (default: 10:30 Mon–Sat, after the dawn auction has closed).'),
  IMPORT_TIMEZONE: z.string().default('Asia/Seoul').describe('Time zone of IMPORT_CRON.'),
  IMPORT_WINDOW_DAYS: positiveInt().default(7).describe('Days each scheduled run looks back for day × category pairs not yet imported.'),
  IMPORT_REFRESH_DAYS: positiveInt().default(2).describe('Most recent days re-imported by every run even when imported before (late rows and corrections).'),
  CATCH_UP_DAYS: nonNegativeInt().default(14).describe('Days caught up at start (missing day × category pairs); 0 = none.'),
  IMPORT_CONCURRENCY: positiveInt().max(16).default(2).describe('Day × category imports in flight at once (schedule, catch-up, backfill).'),
  IMPORT_SCHEDULE_ENABLED: flag()
    .default(true)
    .describe('Run the schedule and the start-up catch-up in this process (false for replicas beyond the first).'),
  REPLAY_SEED: z.string().min(1).default('marketbill-synthetic-v1').describe('Seed of the synthetic replay data (same seed = same data everywhere).'),
  REPLAY_ROWS_PER_DAY: positiveInt().max(20_000).default(1000).describe('About how many rows the replay source serves per category and auction day.'),
  REPLAY_VARIETIES_PER_CATEGORY: positiveInt().max(20_000).default(1500).describe('Varieties in each category of the synthetic catalogue.'),
});

const configSchema = envSchema.transform((e) => {
  // In production `auto` never falls back to made-up prices: without a key it means the aT API,
  // and the check below stops the process; the replay must be asked for by name.
  const source = e.AUCTION_SOURCE === 'auto' ? (e.AT_API_KEY || e.APP_ENV === 'production' ? 'at-api' : 'replay') : e.AUCTION_SOURCE;
  return {
    runtime: toRuntimeConfig('auction-ingest', e, { httpPort: e.HTTP_PORT, databaseSchema: e.DATABASE_SCHEMA }),
    auction: {
      source: source as 'at-api' | 'replay',
      requestedSource: e.AUCTION_SOURCE,
      apiKey: e.AT_API_KEY,
      apiUrl: e.AT_API_URL,
      pageSize: e.AT_PAGE_SIZE,
      timeoutMs: e.AT_TIMEOUT_MS,
      attempts: e.AT_RETRY_ATTEMPTS,
      minIntervalMs: e.AT_MIN_REQUEST_INTERVAL_MS,
    },
    schedule: {
      enabled: e.IMPORT_SCHEDULE_ENABLED,
      cron: e.IMPORT_CRON,
      timezone: e.IMPORT_TIMEZONE,
      windowDays: e.IMPORT_WINDOW_DAYS,
      refreshDays: e.IMPORT_REFRESH_DAYS,
      catchUpDays: e.CATCH_UP_DAYS,
      concurrency: e.IMPORT_CONCURRENCY,
    },
    replay: { seed: e.REPLAY_SEED, rowsPerDay: e.REPLAY_ROWS_PER_DAY, varietiesPerCategory: e.REPLAY_VARIETIES_PER_CATEGORY },
  };
}).superRefine((c, ctx) => {
  if (c.auction.source === 'at-api' && !c.auction.apiKey) {
    const why = c.auction.requestedSource === 'auto' ? 'in production (APP_ENV=production), unless AUCTION_SOURCE=replay asks for the synthetic replay by name' : 'when AUCTION_SOURCE=at-api';
    ctx.addIssue({ code: 'custom', path: ['AT_API_KEY'], message: `AT_API_KEY is required ${why}` });
  }
});

export type Config = z.output<typeof configSchema>;

/** Reads and validates the configuration; the only place this service reads the environment. */
export function readConfig(env: Env = process.env): Config {
  return loadConfig(configSchema, env);
}
