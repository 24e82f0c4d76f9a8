import { z } from 'zod';
import { flag, list, loadConfig, messagingEnv, platformEnv, port, positiveInt, toRuntimeConfig, type Env, internalCallers } from '@marketbill/platform/config';

/** Every setting of the notifier service, by environment variable; `describeEnv(envSchema.shape)` lists them. */
export const envSchema = z.object({
  ...platformEnv,
  ...messagingEnv,
  HTTP_PORT: port().default(8083).describe('Port of the HTTP server.'),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('notifier').describe('Postgres schema owned by this service.'),
  INTERNAL_API_CALLERS: internalCallers().describe('Who may call the internal API, comma-separated name=credential (the caller’s own token, or sha256:<hex> of it): ordering=…. Secret.'),
  EVENT_SEALING_KEY: z
    .string()
    .min(32)
    .describe('Key that opens the phone numbers and SMS codes ordering seals into events (the same value as ordering’s; at least 32 characters). Secret.'),
  EVENT_SEALING_PREVIOUS_KEYS: list()
    .default([])
    .describe('Earlier sealing keys, comma-separated, still accepted for opening while events sealed with them may arrive (key rotation). Secret.'),
  PUBLIC_WEB_URL: z.url().default('https://marketbill.kr').describe('Base URL of the web frontend; SMS links point at its retail/ and wholesale/ pages.'),
  SMS_PROVIDER: z.enum(['log', 'sens']).default('log').describe('Who delivers SMS: log (writes each message to the delivery log and stdout; the default) or sens (Naver Cloud SENS).'),
  SMS_ALLOW_LIST: list()
    .default([])
    .describe('Outside production (APP_ENV ≠ production), the only numbers a real provider sends to, comma-separated (01012345678); others are recorded SKIPPED.'),
  SMS_SENDER_ENABLED: flag().default(true).describe('Run the sender in this process (false: only record deliveries; another replica sends).'),
  SMS_SEND_CONCURRENCY: positiveInt().default(16).describe('Provider requests in flight at once, per replica.'),
  SMS_MAX_ATTEMPTS: positiveInt().default(6).describe('Provider calls per delivery before it is recorded FAILED (time-outs, 5xx and 429 are retried).'),
  SMS_RETRY_INITIAL_DELAY_MS: positiveInt().default(2_000).describe('First retry delay; doubles per attempt (with jitter) up to SMS_RETRY_MAX_DELAY_MS.'),
  SMS_RETRY_MAX_DELAY_MS: positiveInt().default(120_000).describe('Longest delay between two attempts.'),
  SMS_REQUEST_TIMEOUT_MS: positiveInt().default(5_000).describe('How long one provider call may take before it counts as a time-out (and is retried).'),
  SMS_CLAIM_LEASE_MS: positiveInt()
    .default(60_000)
    .describe('How long a claimed delivery stays with its sender; after a crash it is claimed again once this passes. Must exceed the request time-out.'),
  SMS_POLL_INTERVAL_MS: positiveInt().default(1_000).describe('Longest wait of an idle sender between looks for due deliveries (new ones wake it at once).'),
  SENS_BASE_URL: z.url().default('https://sens.apigw.ntruss.com').describe('SENS API base URL.'),
  SENS_ACCESS_KEY: z.string().optional().describe('Naver Cloud access key id (required with SMS_PROVIDER=sens).'),
  SENS_SECRET_KEY: z.string().optional().describe('Naver Cloud secret key that signs requests (required with SMS_PROVIDER=sens).'),
  SENS_SERVICE_ID: z.string().optional().describe('SENS SMS service id, ncp:sms:kr:…:… (required with SMS_PROVIDER=sens).'),
  SENS_FROM: z
    .string()
    .regex(/^\d{8,12}$/, 'digits only, as registered in the SENS console')
    .optional()
    .describe('Calling number registered in SENS (required with SMS_PROVIDER=sens).'),
  SENS_RATE_LIMIT_PER_SECOND: positiveInt().default(50).describe('Most SENS requests per second, per replica.'),
  LOG_PROVIDER_RATE_LIMIT_PER_SECOND: positiveInt().default(1_000).describe('Most messages per second the log provider writes, per replica.'),
});

type EnvValues = z.output<typeof envSchema>;

/** Rules across keys: SENS keys are required only with SENS; the lease must outlast a request. */
function checkCombinations(e: EnvValues, ctx: z.RefinementCtx): void {
  if (e.SMS_PROVIDER === 'sens') {
    for (const key of ['SENS_ACCESS_KEY', 'SENS_SECRET_KEY', 'SENS_SERVICE_ID', 'SENS_FROM'] as const) {
      if (!e[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when SMS_PROVIDER=sens' });
    }
  }
  if (e.SMS_CLAIM_LEASE_MS <= e.SMS_REQUEST_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', path: ['SMS_CLAIM_LEASE_MS'], message: 'must exceed SMS_REQUEST_TIMEOUT_MS' });
  }
}

const configSchema = envSchema.superRefine(checkCombinations).transform((e) => ({
  runtime: toRuntimeConfig('notifier', e, { httpPort: e.HTTP_PORT, databaseSchema: e.DATABASE_SCHEMA }),
  internalApiCallers: e.INTERNAL_API_CALLERS,
  sealing: { current: e.EVENT_SEALING_KEY, previous: e.EVENT_SEALING_PREVIOUS_KEYS },
  publicWebUrl: e.PUBLIC_WEB_URL.replace(/\/+$/, ''),
  sms: {
    provider: e.SMS_PROVIDER,
    /** Numbers a real provider may send to; `undefined` in production, where every number is sent. */
    allowList: e.APP_ENV === 'production' ? undefined : new Set(e.SMS_ALLOW_LIST),
    /** The log provider prints full texts (verification codes included) only for local demos. */
    logFullText: e.APP_ENV === 'local',
    sender: {
      enabled: e.SMS_SENDER_ENABLED,
      concurrency: e.SMS_SEND_CONCURRENCY,
      maxAttempts: e.SMS_MAX_ATTEMPTS,
      initialRetryDelayMs: e.SMS_RETRY_INITIAL_DELAY_MS,
      maxRetryDelayMs: e.SMS_RETRY_MAX_DELAY_MS,
      claimLeaseMs: e.SMS_CLAIM_LEASE_MS,
      pollIntervalMs: e.SMS_POLL_INTERVAL_MS,
    },
    requestTimeoutMs: e.SMS_REQUEST_TIMEOUT_MS,
    sens: {
      baseUrl: e.SENS_BASE_URL.replace(/\/+$/, ''),
      accessKey: e.SENS_ACCESS_KEY ?? '',
      secretKey: e.SENS_SECRET_KEY ?? '',
      serviceId: e.SENS_SERVICE_ID ?? '',
      from: e.SENS_FROM ?? '',
      ratePerSecond: e.SENS_RATE_LIMIT_PER_SECOND,
    },
    log: { ratePerSecond: e.LOG_PROVIDER_RATE_LIMIT_PER_SECOND },
  },
}));

export type Config = z.output<typeof configSchema>;

/** Reads and validates the configuration; the only place this service reads the environment. */
export function readConfig(env: Env = process.env): Config {
  return loadConfig(configSchema, env);
}
