import { z } from 'zod';
import { loadConfig, messagingEnv, platformEnv, port, toRuntimeConfig, type Env, internalCallers } from '@marketbill/platform/config';

/** Every setting of the catalog service, by environment variable; `describeEnv(envSchema.shape)` lists them. */
export const envSchema = z.object({
  ...platformEnv,
  ...messagingEnv,
  HTTP_PORT: port().default(8081).describe('Port of the HTTP server.'),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('catalog').describe('Postgres schema owned by this service.'),
  SEARCH_WARM_UP_REQUESTS: z.coerce
    .number()
    .int()
    .min(0)
    .max(20_000)
    .default(0)
    .describe('Keyword searches the service sends to itself before it reports ready, so a new process serves its first real searches at full speed (≈ 4,000 for that on 2 cores, bench/catalog; Kubernetes sets 4000); 0 = none.'),
  INTERNAL_API_CALLERS: internalCallers().describe('Who may call the internal API, comma-separated name=credential (the caller’s own token, or sha256:<hex> of it): ordering=…. Secret.'),
});

const configSchema = envSchema.transform((e) => ({
  runtime: toRuntimeConfig('catalog', e, { httpPort: e.HTTP_PORT, databaseSchema: e.DATABASE_SCHEMA }),
  internalApiCallers: e.INTERNAL_API_CALLERS,
  searchWarmUpRequests: e.SEARCH_WARM_UP_REQUESTS,
}));

export type Config = z.output<typeof configSchema>;

/** Reads and validates the configuration; the only place this service reads the environment. */
export function readConfig(env: Env = process.env): Config {
  return loadConfig(configSchema, env);
}
