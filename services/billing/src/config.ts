import { z } from 'zod';
import { flag, loadConfig, messagingEnv, platformEnv, port, positiveInt, toRuntimeConfig, type Env } from '@marketbill/platform/config';

/** Every setting of the billing service, by environment variable; `describeEnv(envSchema.shape)` lists them. */
export const envSchema = z.object({
  ...platformEnv,
  ...messagingEnv,
  HTTP_PORT: port().default(8082).describe('Port of the HTTP server.'),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('billing').describe('Postgres schema owned by this service.'),
  INTERNAL_API_TOKEN: z.string().min(16).describe('Bearer token the ordering edge presents on /internal/v1 (a shared secret, at least 16 characters).'),
  S3_ENDPOINT: z.url().optional().describe('S3 endpoint URL (S3Proxy, MinIO); unset = AWS S3 of the region.'),
  S3_REGION: z.string().default('ap-northeast-2').describe('S3 region (signing region for S3-compatible stores).'),
  S3_ACCESS_KEY_ID: z.string().optional().describe('S3 access key id; unset = the AWS default credential chain (e.g. a workload role).'),
  S3_SECRET_ACCESS_KEY: z.string().optional().describe('S3 secret access key, with S3_ACCESS_KEY_ID.'),
  S3_FORCE_PATH_STYLE: flag().default(false).describe('Path-style bucket addressing (S3Proxy, MinIO).'),
  S3_BUCKET: z.string().min(3).default('marketbill-statements').describe('Bucket holding the statement PDFs.'),
  S3_CREATE_BUCKET: flag()
    .optional()
    .describe(
      'Create the bucket at start when it does not exist. Unset = true outside production, false in production (the bucket is provisioned with its policy; a missing one keeps billing unready with a clear log line). A 403 to the check (no s3:ListBucket) is never fatal.',
    ),
  S3_PRESIGN_ENDPOINT: z
    .url()
    .optional()
    .describe('Endpoint written into presigned download URLs when clients reach S3 by another address than this service; unset = S3_ENDPOINT.'),
  STATEMENT_DOWNLOAD_TTL_SECONDS: positiveInt().max(3_600).default(300).describe('How long a presigned statement download URL is valid.'),
  STATEMENT_FONT_REGULAR: z.string().optional().describe('Path of the regular TrueType font; unset = Pretendard-Regular.ttf from the pretendard package.'),
  STATEMENT_FONT_BOLD: z.string().optional().describe('Path of the bold TrueType font; unset = Pretendard-Bold.ttf from the pretendard package.'),
  STATEMENT_RENDER_WORKERS: z.coerce
    .number()
    .int()
    .min(0)
    .max(16)
    .default(0)
    .describe('Worker threads rendering PDFs; 0 = on the main thread (least memory). Each worker adds ≈ 60 MB and roughly one core of rendering.'),
  SEAL_FETCH_TIMEOUT_MS: positiveInt().max(30_000).default(2_000).describe('Time limit for fetching a seal image (the whole response).'),
  SEAL_MAX_BYTES: positiveInt().max(10_485_760).default(1_048_576).describe('Largest seal image accepted, bytes.'),
  SEAL_CACHE_SECONDS: z.coerce.number().int().min(0).default(600).describe('How long a fetched seal image (or a failure to fetch it) is reused; 0 = fetch for every statement.'),
  SEAL_ALLOW_PRIVATE_NETWORK: flag()
    .default(false)
    .describe('Allow seal URLs that resolve to loopback, private or link-local addresses (tests and local runs only: the URL is user input).'),
  STATEMENT_LEASE_SECONDS: positiveInt().default(60).describe('How long an issue in progress holds its reservation before the resume job may take it over.'),
  ORDER_VIEW_WAIT_MS: positiveInt()
    .default(5_000)
    .describe('How long an issue waits for billing’s view of its orders to reach the versions the edge sent; past it, 503 order-view-behind (retry).'),
  STATEMENT_RESUME_INTERVAL_SECONDS: positiveInt().default(30).describe('How often reservations left by a failed or crashed issue are resumed.'),
  STATEMENT_RESUME_MAX_ATTEMPTS: positiveInt().default(5).describe('Render/upload attempts of a reservation before it is released (its orders become issuable again).'),
});

const configSchema = envSchema.transform((e) => ({
  runtime: toRuntimeConfig('billing', e, { httpPort: e.HTTP_PORT, databaseSchema: e.DATABASE_SCHEMA }),
  internalApiToken: e.INTERNAL_API_TOKEN,
  s3: {
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION,
    credentials: e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : undefined,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    bucket: e.S3_BUCKET,
    createBucket: e.S3_CREATE_BUCKET ?? e.APP_ENV !== 'production',
    presignEndpoint: e.S3_PRESIGN_ENDPOINT,
    downloadTtlSeconds: e.STATEMENT_DOWNLOAD_TTL_SECONDS,
  },
  rendering: { workers: e.STATEMENT_RENDER_WORKERS, fonts: { regular: e.STATEMENT_FONT_REGULAR, bold: e.STATEMENT_FONT_BOLD } },
  seal: {
    timeoutMs: e.SEAL_FETCH_TIMEOUT_MS,
    maxBytes: e.SEAL_MAX_BYTES,
    cacheSeconds: e.SEAL_CACHE_SECONDS,
    allowPrivateNetwork: e.SEAL_ALLOW_PRIVATE_NETWORK,
  },
  issuing: {
    leaseSeconds: e.STATEMENT_LEASE_SECONDS,
    viewWaitMs: e.ORDER_VIEW_WAIT_MS,
    resumeIntervalSeconds: e.STATEMENT_RESUME_INTERVAL_SECONDS,
    resumeMaxAttempts: e.STATEMENT_RESUME_MAX_ATTEMPTS,
  },
}));

export type Config = z.output<typeof configSchema>;

/** Reads and validates the configuration; the only place this service reads the environment. */
export function readConfig(env: Env = process.env): Config {
  return loadConfig(configSchema, env);
}
