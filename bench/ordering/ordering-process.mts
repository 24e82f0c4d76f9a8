// Shared by the benchmark and the fuzz target: an ordering process of its own on the local stack
// (fresh Postgres schema and topic prefix, its own token key), started from services/ordering/dist.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type * as PgModule from 'pg';
import { freePort, stackEnv } from '../machine.ts';

export { freePort };
import type * as AccessTokenModule from '../../services/ordering/src/domain/access-token.ts';

const require = createRequire(import.meta.url);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const pg = require('pg') as typeof PgModule;
export const { signAccessToken } = require(path.join(root, 'services/ordering/dist/domain/access-token.js')) as typeof AccessTokenModule;

const stack = stackEnv();

/** A stack setting from the environment or this checkout's .stack/env.json. */
export function env(key: string): string {
  const value = process.env[key] ?? stack[key];
  if (!value) throw new Error(`${key} is not set: start the stack first (npm run stack -- up --fast)`);
  return value;
}

/**
 * An access token for an account made by the fixtures' SQL: the edge checks on every request that
 * the token's session (its refresh-token family) is live, so a session row is written first.
 */
export async function sessionToken(
  db: InstanceType<typeof pg.Client>,
  run: OrderingRun,
  actor: { accountId: string; role: 'RETAILER' | 'WHOLESALER_OWNER' | 'WHOLESALER_STAFF' | 'ADMIN'; wholesalerId?: string },
  ttlSeconds = 3600,
): Promise<string> {
  const family = randomUUID();
  await db.query(
    `insert into "${run.schema}".refresh_tokens (id, family_id, account_id, token_hash, expires_at, created_at) values ($1, $2, $3, $4, now() + interval '1 day', now())`,
    [randomUUID(), family, actor.accountId, randomBytes(32).toString('hex')],
  );
  return signAccessToken(actor, family, run.secret, ttlSeconds).token;
}

export interface OrderingRun {
  tag: string;
  schema: string;
  secret: string;
}

export function newRun(prefix: string): OrderingRun {
  const tag = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return { tag, schema: `${prefix}_ordering_${tag}`, secret: randomBytes(32).toString('hex') };
}

/**
 * Starts one replica on `port` (from `dist`, default this checkout's build; `env` added to or
 * overriding its settings) and waits until /health/ready answers 200.
 */
export async function startReplica(run: OrderingRun, port: number, options: { profile?: boolean; dist?: string; env?: Record<string, string> } = {}): Promise<ChildProcess> {
  const profile = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, 'bench', 'out')}`] : [];
  const main = path.join(options.dist ?? path.join(root, 'services/ordering/dist'), 'main.js');
  const child = spawn(process.execPath, [...profile, '--disable-warning=TimeoutNegativeWarning', main], {
    env: {
      ...process.env,
      DATABASE_URL: env('DATABASE_URL'),
      KAFKA_BROKERS: env('KAFKA_BROKERS'),
      SCHEMA_REGISTRY_URL: env('SCHEMA_REGISTRY_URL'),
      DATABASE_SCHEMA: run.schema,
      DATABASE_POOL_MAX: '20',
      KAFKA_TOPIC_PREFIX: `${run.schema}.`,
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: process.env.ORDERING_LOG_LEVEL ?? 'warn',
      APP_ENV: 'test',
      ACCESS_TOKEN_SECRET: run.secret,
      CATALOG_API_TOKEN: randomBytes(16).toString('hex'),
      BILLING_API_TOKEN: randomBytes(16).toString('hex'),
      NOTIFIER_API_TOKEN: randomBytes(16).toString('hex'),
      EVENT_SEALING_KEY: `${run.secret}-sealing`,
      CATALOG_URL: `http://127.0.0.1:${await freePort()}`,
      CUTOFF_JOB_ENABLED: 'false',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('ordering did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function stopReplicas(children: ChildProcess[]): Promise<void> {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
}
