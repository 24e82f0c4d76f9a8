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
  AT_PAGE_SIZE: positiveInt().max(50_000).default(5_000).describe('countPerPage of the first request for a day (a category-day has about 1,000 rows; a full page is asked again with a 4× larger page).'),
  AT_MAX_PAGE_SIZE: positiveInt().max(200_000).default(50_000).describe('Largest countPerPage asked for; only a day larger than this is paged (ROWNUM paging over ties repeats and skips rows).'),
  AT_DAILY_CALL_BUDGET: positiveInt().max(100_000).default(900).describe('aT calls this deployment may make per Seoul day (the key’s documented quota is 1,000; leave room for other uses of the key).'),
  AT_SCHEDULE_RESERVED_CALLS: nonNegativeInt().default(100).describe('Part of the daily budget backfills may not use, kept for the schedule (today’s prices).'),
  AT_TIMEOUT_MS: positiveInt().default(15_000).describe('Time-out of one aT request.'),
  AT_RETRY_ATTEMPTS: positiveInt().max(20).default(5).describe('Attempts per page on network errors, time-outs, 429 and 5xx (exponential backoff).'),
  AT_MIN_REQUEST_INTERVAL_MS: nonNegativeInt().default(250).describe('Least time between two aT requests (politeness); the replay source uses 0.'),
  IMPORT_CRON: z.string().default('30 10 * * 1-6').describe('When to import, as a cron expression in IMPORT_TIMEZONE (default: 10:30 Mon–Sat, after the dawn auction has closed).'),
  IMPORT_TIMEZONE: z.string().default('Asia/Seoul').describe('Time zone of IMPORT_CRON.'),
  IMPORT_WINDOW_DAYS: positiveInt().default(7).describe('Days each scheduled run looks back for day × category pairs not yet imported.'),
  IMPORT_REFRESH_DAYS: positiveInt().default(2).describe('Most recent days re-imported by every run even when imported before (late rows and corrections).'),
  CATCH_UP_DAYS: nonNegativeInt().default(14).describe('Days caught up at start (missing day × category pairs); 0 = none.'),
  IMPORT_CONCURRENCY: positiveInt().max(16).default(2).describe('Day × category imports in flight at once (schedule, catch-up, backfill).'),
  BACKFILL_CRON: z.string().default('5 0 * * *').describe('When the service continues pending backfills, in IMPORT_TIMEZONE (default 00:05, just after the aT call counter resets at midnight Seoul time).'),
  IMPORT_SCHEDULE_ENABLED: flag()
    .default(true)
    .describe('Run the schedule and the start-up catch-up in this process (false for replicas beyond the first).'),
  REPLAY_SEED: z.string().min(1).default('marketbill-synthetic-v1').describe('Seed of the synthetic replay data (same seed = same data everywhere).'),
  REPLAY_ROWS_PER_DAY: positiveInt().max(20_000).default(1000).describe('About how many rows the replay source serves per category and auction day.'),
  REPLAY_VARIETIES_PER_CATEGORY: positiveInt().max(20_000).default(1500).describe('Varieties in each category of the synthetic catalogue.'),
  REPLAY_DAILY_CALL_LIMIT: positiveInt().optional().describe('Daily call limit the replay server enforces like the aT server (answering resultCd 4 past it); unset = none. For rehearsing the quota locally.'),
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
      maxPageSize: e.AT_MAX_PAGE_SIZE,
      dailyCallBudget: e.AT_DAILY_CALL_BUDGET,
      scheduleReservedCalls: e.AT_SCHEDULE_RESERVED_CALLS,
      timeoutMs: e.AT_TIMEOUT_MS,
      attempts: e.AT_RETRY_ATTEMPTS,
      minIntervalMs: e.AT_MIN_REQUEST_INTERVAL_MS,
    },
    schedule: {
      enabled: e.IMPORT_SCHEDULE_ENABLED,
      cron: e.IMPORT_CRON,
      backfillCron: e.BACKFILL_CRON,
      timezone: e.IMPORT_TIMEZONE,
      windowDays: e.IMPORT_WINDOW_DAYS,
      refreshDays: e.IMPORT_REFRESH_DAYS,
      catchUpDays: e.CATCH_UP_DAYS,
      concurrency: e.IMPORT_CONCURRENCY,
    },
    replay: {
      seed: e.REPLAY_SEED,
      rowsPerDay: e.REPLAY_ROWS_PER_DAY,
      varietiesPerCategory: e.REPLAY_VARIETIES_PER_CATEGORY,
      ...(e.REPLAY_DAILY_CALL_LIMIT !== undefined ? { dailyCallLimit: e.REPLAY_DAILY_CALL_LIMIT } : {}),
    },
  };
}).superRefine((c, ctx) => {
  if (c.auction.source === 'at-api' && !c.auction.apiKey) {
    const why = c.auction.requestedSource === 'auto' ? 'in production (APP_ENV=production), unless AUCTION_SOURCE=replay asks for the synthetic replay by name' : 'when AUCTION_SOURCE=at-api';
    ctx.addIssue({ code: 'custom', path: ['AT_API_KEY'], message: `AT_API_KEY is required ${why}` });
  }
  if (c.auction.maxPageSize < c.auction.pageSize) ctx.addIssue({ code: 'custom', path: ['AT_MAX_PAGE_SIZE'], message: 'AT_MAX_PAGE_SIZE must not be smaller than AT_PAGE_SIZE' });
  if (c.auction.scheduleReservedCalls >= c.auction.dailyCallBudget) ctx.addIssue({ code: 'custom', path: ['AT_SCHEDULE_RESERVED_CALLS'], message: 'AT_SCHEDULE_RESERVED_CALLS must be smaller than AT_DAILY_CALL_BUDGET, or backfills never get a call' });
});

export type Config = z.output<typeof configSchema>;

/** Reads and validates the configuration; the only place this service reads the environment. */
export function readConfig(env: Env = process.env): Config {
  return loadConfig(configSchema, env);
}
