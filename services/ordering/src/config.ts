import { z } from 'zod';
import { flag, list, loadConfig, messagingEnv, platformEnv, port, positiveInt, toRuntimeConfig, type Env } from '@marketbill/platform/config';
import { isSerialisedOrigin } from './entry-points/http/cors';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Every setting of the ordering service, by environment variable; `describeEnv(envSchema.shape)` lists them. */
export const envSchema = z.object({
  ...platformEnv,
  ...messagingEnv,
  HTTP_PORT: port().default(8080).describe('Port of the HTTP server.'),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('ordering').describe('Postgres schema owned by this service.'),
  ACCESS_TOKEN_SECRET: z.string().min(32).describe('HS256 key that signs access tokens (at least 32 characters). Secret.'),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt().default(900).describe('Lifetime of an access token (default 15 minutes).'),
  REFRESH_TOKEN_TTL_DAYS: positiveInt().default(30).describe('Lifetime of a refresh token family since its sign-in.'),
  PASSWORD_SCRYPT_COST: z.coerce
    .number()
    .int()
    .refine((n) => n >= 1024 && (n & (n - 1)) === 0, 'a power of two ≥ 1024')
    .default(32_768)
    .describe('scrypt N for new password hashes (r=8, p=1). 32768 ≈ 32 MiB and ~60 ms here; tests lower it.'),
  VERIFICATION_CODE_TTL_SECONDS: positiveInt().default(300).describe('How long an SMS verification code is accepted.'),
  VERIFICATION_MAX_ATTEMPTS: positiveInt().default(5).describe('Wrong codes allowed before a verification is void.'),
  RATE_LIMIT_SIGN_IN_PER_PHONE: positiveInt().default(5).describe('Failed sign-ins allowed per phone number per window.'),
  RATE_LIMIT_SIGN_IN_PER_IP: positiveInt().default(50).describe('Sign-in attempts allowed per client address per window.'),
  RATE_LIMIT_SIGN_IN_WINDOW_SECONDS: positiveInt().default(900).describe('Window of the sign-in limits.'),
  RATE_LIMIT_CODE_PER_PHONE: positiveInt().default(3).describe('Verification codes sent per phone number per window.'),
  RATE_LIMIT_CODE_PER_IP: positiveInt().default(20).describe('Verification codes requested per client address per window.'),
  RATE_LIMIT_CODE_WINDOW_SECONDS: positiveInt().default(600).describe('Window of the code-request limits.'),
  INVITATION_TTL_HOURS: positiveInt().default(72).describe('How long a staff invitation code stays valid.'),
  INTERNAL_API_TOKEN: z.string().min(16).describe('Bearer token for the internal APIs of catalog, billing and notifier. Secret.'),
  CATALOG_URL: z.url().default('http://catalog:8081').describe('Base URL of the catalog service (its internal API is under /internal/v1).'),
  CATALOG_TIMEOUT_MS: positiveInt().default(2_000).describe('Time-out of one call to catalog; past it the edge answers 503 catalog-unavailable.'),
  BILLING_URL: z.url().default('http://billing:8082').describe('Base URL of the billing service (its internal API is under /internal/v1).'),
  BILLING_TIMEOUT_MS: positiveInt()
    .default(15_000)
    .describe('Time-out of one call to billing; issuing renders and stores the PDF within the call, so it is longer than the others.'),
  NOTIFIER_URL: z.url().default('http://notifier:8083').describe('Base URL of the notifier service (its internal API is under /internal/v1).'),
  NOTIFIER_TIMEOUT_MS: positiveInt().default(2_000).describe('Time-out of one call to the notifier (the admin SMS log).'),
  DEFAULT_CUTOFF_TIME: z.string().regex(HH_MM).default('22:00').describe('Cutoff (HH:MM, Asia/Seoul) of a new wholesaler: open carts are ordered then.'),
  CUTOFF_JOB_ENABLED: flag().default(true).describe('Run the cutoff job (every minute, Asia/Seoul) in this process.'),
  CORS_ALLOWED_ORIGINS: list()
    .pipe(z.array(z.string().refine(isSerialisedOrigin, 'an origin as browsers send it: http(s)://host[:port], no path, no trailing slash, no wildcard')))
    .default([])
    .describe('Comma-separated web origins whose pages may call the API from a browser (CORS); empty = none. Exact matches only.'),
  DEMO_PASSWORD: z
    .string()
    .min(16)
    .optional()
    .describe('Password base of the demo accounts that seed-demo creates (APP_ENV local or test only; npm run up generates it). Secret.'),
});

const configSchema = envSchema.transform((e) => ({
  runtime: toRuntimeConfig('ordering', e, { httpPort: e.HTTP_PORT, databaseSchema: e.DATABASE_SCHEMA }),
  auth: {
    accessTokenSecret: e.ACCESS_TOKEN_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    scryptCost: e.PASSWORD_SCRYPT_COST,
    verificationTtlSeconds: e.VERIFICATION_CODE_TTL_SECONDS,
    verificationMaxAttempts: e.VERIFICATION_MAX_ATTEMPTS,
    invitationTtlHours: e.INVITATION_TTL_HOURS,
  },
  rateLimits: {
    signInPerPhone: e.RATE_LIMIT_SIGN_IN_PER_PHONE,
    signInPerIp: e.RATE_LIMIT_SIGN_IN_PER_IP,
    signInWindowSeconds: e.RATE_LIMIT_SIGN_IN_WINDOW_SECONDS,
    codePerPhone: e.RATE_LIMIT_CODE_PER_PHONE,
    codePerIp: e.RATE_LIMIT_CODE_PER_IP,
    codeWindowSeconds: e.RATE_LIMIT_CODE_WINDOW_SECONDS,
  },
  internalApiToken: e.INTERNAL_API_TOKEN,
  catalog: { url: e.CATALOG_URL, timeoutMs: e.CATALOG_TIMEOUT_MS },
  billing: { url: e.BILLING_URL, timeoutMs: e.BILLING_TIMEOUT_MS },
  notifier: { url: e.NOTIFIER_URL, timeoutMs: e.NOTIFIER_TIMEOUT_MS },
  cutoff: { defaultTime: e.DEFAULT_CUTOFF_TIME, jobEnabled: e.CUTOFF_JOB_ENABLED },
  cors: { allowedOrigins: e.CORS_ALLOWED_ORIGINS },
  demoPassword: e.DEMO_PASSWORD,
}));

export type Config = z.output<typeof configSchema>;

/** Reads and validates the configuration; the only place this service reads the environment. */
export function readConfig(env: Env = process.env): Config {
  return loadConfig(configSchema, env);
}
