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
  SESSION_CHECK_CACHE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000)
    .default(500)
    .describe('How long the edge believes a session it found live (ms, at most 1000): sign-out, password change, disabling take effect on every replica within this time.'),
  REFRESH_TOKEN_TTL_DAYS: positiveInt().default(30).describe('Lifetime of a refresh token family since its sign-in.'),
  PASSWORD_SCRYPT_COST: z.coerce
    .number()
    .int()
    .refine((n) => n >= 1024 && (n & (n - 1)) === 0, 'a power of two ≥ 1024')
    .default(32_768)
    .describe('scrypt N for new password hashes (r=8, p=1). 32768 ≈ 32 MiB and ~60 ms here; tests lower it.'),
  VERIFICATION_CODE_TTL_SECONDS: positiveInt().default(300).describe('How long an SMS verification code is accepted.'),
  VERIFICATION_MAX_ATTEMPTS: positiveInt().default(5).describe('Wrong codes allowed before a verification is void.'),
  RATE_LIMIT_SIGN_IN_PER_PHONE: positiveInt()
    .default(10)
    .describe('Failed sign-ins per phone per day, from any address, after which a password alone is not enough: the sign-in must carry an SMS code (purpose SIGN_IN).'),
  RATE_LIMIT_SIGN_IN_PER_IP: positiveInt().default(50).describe('Sign-in attempts allowed per client address per window.'),
  RATE_LIMIT_SIGN_IN_WINDOW_SECONDS: positiveInt().default(900).describe('Window of the per-address sign-in limit.'),
  SIGN_IN_FREE_FAILURES: positiveInt()
    .default(3)
    .describe('Failed sign-ins for a phone from one client address before each further attempt from there must wait (2, 4, 8 … s).'),
  SIGN_IN_MAX_DELAY_SECONDS: positiveInt().default(900).describe('Longest wait the progressive sign-in delay imposes on one address.'),
  SIGN_IN_FAILURE_MEMORY_SECONDS: positiveInt().default(86_400).describe('How long a streak of failed sign-ins from an address is remembered after its last failure.'),
  SIGN_IN_KNOWN_ADDRESS_DAYS: positiveInt()
    .default(30)
    .describe('An address the phone signed in from within this many days needs no SMS code when the phone is under attack from elsewhere.'),
  RATE_LIMIT_CODE_PER_PHONE: positiveInt().default(3).describe('Verification codes sent per phone number per window.'),
  RATE_LIMIT_CODE_PER_IP: positiveInt().default(20).describe('Verification codes requested per client address per window.'),
  RATE_LIMIT_CODE_WINDOW_SECONDS: positiveInt().default(600).describe('Window of the code-request limits.'),
  RATE_LIMIT_CODE_PER_PHONE_PER_DAY: positiveInt().default(10).describe('Verification SMS (codes and notices) per phone number per day.'),
  RATE_LIMIT_CODE_FAILURES_PER_PHONE_PER_DAY: positiveInt()
    .default(10)
    .describe('Wrong verification codes per phone number per day; past it no code is accepted for that number until the day window ends.'),
  RATE_LIMIT_NOTICES_PER_PHONE_PER_DAY: positiveInt()
    .default(3)
    .describe('"Someone tried to sign up with your number" SMS per registered number per day; past it the request is answered the same and nothing is sent.'),
  SMS_CODE_BUDGET_PER_HOUR: positiveInt()
    .default(1_000)
    .describe('Verification requests accepted per hour across all phones and addresses (the SMS bill a botnet could run up); past it 429 sms-budget-exhausted.'),
  INVITATION_TTL_HOURS: positiveInt().default(72).describe('How long a staff invitation code stays valid.'),
  EVENT_SEALING_KEY: z
    .string()
    .min(32)
    .describe('Key that seals phone numbers and SMS codes in events for the notifier alone (at least 32 characters; the notifier holds the same). Secret.'),
  CATALOG_API_TOKEN: z.string().min(16).describe('Ordering’s own bearer token for catalog’s internal API (catalog lists it in INTERNAL_API_CALLERS). Secret.'),
  BILLING_API_TOKEN: z.string().min(16).describe('Ordering’s own bearer token for billing’s internal API (billing lists it in INTERNAL_API_CALLERS). Secret.'),
  NOTIFIER_API_TOKEN: z.string().min(16).describe('Ordering’s own bearer token for the notifier’s internal API (the notifier lists it in INTERNAL_API_CALLERS). Secret.'),
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
    sessionCheckCacheMs: e.SESSION_CHECK_CACHE_MS,
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
    codePerPhonePerDay: e.RATE_LIMIT_CODE_PER_PHONE_PER_DAY,
    codeFailuresPerPhonePerDay: e.RATE_LIMIT_CODE_FAILURES_PER_PHONE_PER_DAY,
    noticesPerPhonePerDay: e.RATE_LIMIT_NOTICES_PER_PHONE_PER_DAY,
    smsBudgetPerHour: e.SMS_CODE_BUDGET_PER_HOUR,
    signInFreeFailures: e.SIGN_IN_FREE_FAILURES,
    signInMaxDelaySeconds: e.SIGN_IN_MAX_DELAY_SECONDS,
    signInFailureMemorySeconds: e.SIGN_IN_FAILURE_MEMORY_SECONDS,
    knownAddressDays: e.SIGN_IN_KNOWN_ADDRESS_DAYS,
  },
  eventSealingKey: e.EVENT_SEALING_KEY,
  catalog: { url: e.CATALOG_URL, token: e.CATALOG_API_TOKEN, timeoutMs: e.CATALOG_TIMEOUT_MS },
  billing: { url: e.BILLING_URL, token: e.BILLING_API_TOKEN, timeoutMs: e.BILLING_TIMEOUT_MS },
  notifier: { url: e.NOTIFIER_URL, token: e.NOTIFIER_API_TOKEN, timeoutMs: e.NOTIFIER_TIMEOUT_MS },
  cutoff: { defaultTime: e.DEFAULT_CUTOFF_TIME, jobEnabled: e.CUTOFF_JOB_ENABLED },
  cors: { allowedOrigins: e.CORS_ALLOWED_ORIGINS },
  demoPassword: e.DEMO_PASSWORD,
}));

export type Config = z.output<typeof configSchema>;

/** Reads and validates the configuration; the only place this service reads the environment. */
export function readConfig(env: Env = process.env): Config {
  return loadConfig(configSchema, env);
}
