import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Kafka } from 'kafkajs';
import { createLogger } from '@marketbill/platform';
import { createKafka } from '@marketbill/messaging';
import { startSystem, waitFor, type RunningSystem, type ServiceName, type ServiceProcess } from '@marketbill/testing';
import { call, ok, seedDemo, signIn } from '../../support/edge';
import { repoRoot } from '../../support/paths';

/** A message the SENS-like server accepted (services/notifier/src/testing/fake-sens-server.ts). */
export interface SensMessage {
  to: string;
  type: string;
  content: string;
  at: number;
  answered: boolean;
}

interface FakeSens {
  url: string;
  accessKey: string;
  secretKey: string;
  serviceId: string;
  from: string;
  received: SensMessage[];
  requests: Array<{ to: string | null; status: number }>;
  close(): Promise<void>;
}

export interface Account {
  phone: string;
  password: string;
  token: string;
  accountId: string;
  wholesalerId: string | null;
}

export interface World {
  system: RunningSystem;
  /** The SMS provider the notifier sends to: a real HTTP server that checks SENS signatures, in this process, so it outlives every notifier kill. */
  sens: FakeSens;
  owner: Account;
  retailers: Account[];
  /** Variety ids ordering's read model knows (from auction-ingest's synthetic day, through catalog's events). */
  varieties: string[];
  kafka: Kafka;
  /** URLs of the edge replicas that run now. */
  edges(): string[];
  /** One query on a service's schema (`$schema` in the text is replaced by it). */
  sql<T extends Record<string, unknown>>(service: ServiceName, text: string, params?: unknown[]): Promise<T[]>;
  /** A new access token (tokens are short-lived; the load signs in again on 401). */
  refresh(account: Account): Promise<void>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  edgeReplicas?: number;
  billingReplicas?: number;
  retailers?: number;
  log?: (line: string) => void;
}

function phone(): string {
  return `010${String(randomBytes(4).readUInt32BE(0) % 100_000_000).padStart(8, '0')}`;
}

/**
 * The whole system for a fault run: all five services as processes on the local stack (each with
 * its own schema and topic prefix), a second replica of the edge and of billing, the notifier
 * sending through SENS to a local SENS-like server, the demo wholesaler (with a business profile)
 * and a few florists who signed up through the edge with their SMS codes and are connected to it.
 */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const log = options.log ?? (() => undefined);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the notifier's own SENS test server, built by tsc
  const { startFakeSensServer } = require(join(repoRoot, 'services', 'notifier', 'dist', 'testing', 'fake-sens-server.js')) as { startFakeSensServer: () => Promise<FakeSens> };
  const sens = await startFakeSensServer();
  const retailerPhones = Array.from({ length: options.retailers ?? 6 }, () => phone());
  const ownerPhone = '01098765432'; // the demo owner seed-demo makes
  log(`starting the system (edge ×${options.edgeReplicas ?? 2}, billing ×${options.billingReplicas ?? 2})`);
  const system = await startSystem({
    env: { LOG_LEVEL: 'warn' },
    perService: {
      'auction-ingest': { CATCH_UP_DAYS: '1' },
      notifier: {
        SMS_PROVIDER: 'sens',
        SENS_BASE_URL: sens.url,
        SENS_ACCESS_KEY: sens.accessKey,
        SENS_SECRET_KEY: sens.secretKey,
        SENS_SERVICE_ID: sens.serviceId,
        SENS_FROM: sens.from,
        SMS_ALLOW_LIST: [ownerPhone, ...retailerPhones].join(','),
        SMS_RETRY_INITIAL_DELAY_MS: '500',
        SMS_RETRY_MAX_DELAY_MS: '5000',
      },
    },
  });
  try {
    for (let i = 1; i < (options.edgeReplicas ?? 2); i++) await system.addReplica('ordering');
    for (let i = 1; i < (options.billingReplicas ?? 2); i++) await system.addReplica('billing');
    const edge = system.urls.ordering;
    const demo = seedDemo(system.env.ordering);
    const owner: Account = { phone: ownerPhone, password: demo.password, ...(await signIn(edge, ownerPhone, demo.password)) };

    log(`signing up ${retailerPhones.length} florists through the edge`);
    const retailers: Account[] = [];
    for (const [i, p] of retailerPhones.entries()) {
      const started = await call(edge, 'POST', '/v1/auth/verifications', { body: { phone: p, purpose: 'SIGN_UP' } });
      if (started.status !== 201 && started.status !== 202) throw new Error(`verification for ${p}: ${started.status} ${JSON.stringify(started.body)}`);
      const code = await waitFor(
        () => {
          const sms = [...sens.received].reverse().find((m) => m.to === p);
          return sms ? /\d{6}/.exec(sms.content)?.[0] : undefined;
        },
        { timeoutMs: 60_000, description: `the SMS code for ${p}` },
      );
      const password = `fault-${randomBytes(6).toString('hex')}1`;
      await ok(call(edge, 'POST', '/v1/auth/sign-up', { body: { verificationId: started.body.verificationId, code, phone: p, name: `장애꽃집${i + 1}`, password, role: 'RETAILER' } }), 201);
      const account: Account = { phone: p, password, ...(await signIn(edge, p, password)) };
      const applied = await ok(call(edge, 'POST', '/v1/connections', { token: account.token, body: { wholesalerId: owner.wholesalerId } }), 201);
      await ok(call(edge, 'POST', `/v1/connections/${applied.body.id}/decision`, { token: owner.token, body: { decision: 'CONFIRMED' } }));
      retailers.push(account);
    }

    log('waiting for the catalog (auction-ingest → catalog → ordering’s read model)');
    const probe = retailers[0] as Account;
    const varieties = await waitFor(
      async () => {
        const page = await call(edge, 'GET', '/v1/catalog/varieties?q=장미&size=20', { token: probe.token });
        const ids = page.status === 200 ? (page.body.items as Array<{ id: string }>).map((v) => v.id) : [];
        if (ids.length === 0) return undefined;
        const added = await call(edge, 'POST', `/v1/carts/${owner.wholesalerId}/lines`, { token: probe.token, body: { varietyId: ids[0], grade: 'UPPER', quantity: 1 } });
        return added.status === 200 ? ids : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1_000, description: 'varieties in ordering’s read model' },
    );
    await call(edge, 'DELETE', `/v1/carts/${owner.wholesalerId}`, { token: probe.token });

    const logger = createLogger({ service: 'faults', level: 'silent' });
    const kafka = createKafka({ brokers: (system.env.ordering.KAFKA_BROKERS as string).split(','), clientId: 'faults', logger });
    return {
      system,
      sens,
      owner,
      retailers,
      varieties,
      kafka,
      edges: () => system.processes.ordering.filter((p: ServiceProcess) => p.ready()).map((p) => p.url),
      async sql(service, text, params = []) {
        const env = system.env[service];
        const client = new Client({ connectionString: env.DATABASE_URL });
        await client.connect();
        try {
          return (await client.query(text.replace(/\$schema/g, `"${env.DATABASE_SCHEMA}"`), params)).rows;
        } finally {
          await client.end();
        }
      },
      async refresh(account) {
        const fresh = await signIn(edge, account.phone, account.password);
        account.token = fresh.token;
      },
      async stop() {
        await system.stop();
        await sens.close();
      },
    };
  } catch (error) {
    await system.stop();
    await sens.close();
    throw error;
  }
}
