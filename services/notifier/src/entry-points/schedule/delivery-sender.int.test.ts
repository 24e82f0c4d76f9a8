import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createLogger, createOrm, migrate, type Orm } from '@marketbill/platform';
import { messagingMigrations, OutboxMessageSchema } from '@marketbill/messaging';
import { dropSchema, query, serviceDatabase, stackEnv, uniqueName, waitFor } from '@marketbill/testing';
import { createSensProvider } from '../../clients/sens-provider';
import { createDeliveryRepository, type DeliveryRepository, type NewDelivery } from '../../data-access/delivery-repository';
import { entities } from '../../data-access/entities';
import { migrations } from '../../data-access/migrations';
import { prepareDelivery } from '../../domain/prepare-delivery';
import { startFakeSensServer, type FakeSensServer } from '../../testing/fake-sens-server';
import { createDeliverySender, type DeliverySender } from './delivery-sender';

jest.setTimeout(60_000);

const env = stackEnv();
const logger = createLogger({ service: 'notifier-test', level: 'silent' });
let schema: string;
let databaseUrl: string;
let orm: Orm;
let sens: FakeSensServer;
let repo: DeliveryRepository;
let senders: DeliverySender[] = [];

beforeEach(async () => {
  schema = uniqueName('notifier_sender');
  databaseUrl = (await serviceDatabase(env.DATABASE_URL, 'notifier', schema)).url;
  orm = await createOrm({ url: databaseUrl, schema, entities: [OutboxMessageSchema, ...entities], migrations: [...messagingMigrations, ...migrations] });
  await migrate(orm, databaseUrl);
  sens = await startFakeSensServer();
  repo = createDeliveryRepository(schema);
});

afterEach(async () => {
  for (const s of senders) await s.stop();
  senders = [];
  await sens.close();
  await orm.close();
  await dropSchema(env.DATABASE_URL, schema);
});

function startSender(options: { ratePerSecond?: number; concurrency?: number; timeoutMs?: number } = {}): DeliverySender {
  const sender = createDeliverySender({
    orm,
    databaseUrl,
    schema,
    deliveries: repo,
    provider: createSensProvider({
      baseUrl: sens.url,
      accessKey: sens.accessKey,
      secretKey: sens.secretKey,
      serviceId: sens.serviceId,
      from: sens.from,
      ratePerSecond: options.ratePerSecond ?? 10_000,
      timeoutMs: options.timeoutMs ?? 2_000,
      maxSockets: options.concurrency ?? 8,
    }),
    policy: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200 },
    concurrency: options.concurrency ?? 8,
    leaseMs: 10_000,
    pollIntervalMs: 100,
    logger,
  });
  sender.start();
  senders.push(sender);
  return sender;
}

function newDelivery(recipient: string, extra: Partial<NewDelivery> = {}): NewDelivery {
  const prepared = prepareDelivery({
    template: 'order-placed',
    recipient,
    variables: { retailerName: '꽃담플라워', orderNumber: '261126-000042', itemCount: 1, totalQuantity: 10, atCutoff: false, link: 'https://marketbill.kr/wholesale/orders/1' },
    dedupeKey: null,
    expiresAt: null,
  });
  return { ...prepared, id: randomUUID(), eventId: randomUUID(), eventTopic: 'order.placed', provider: 'sens', status: 'PENDING', providerMessage: null, traceHeaders: {}, ...extra };
}

const phoneOf = (i: number) => `0109${String(i).padStart(7, '0')}`;

async function insert(rows: NewDelivery[]): Promise<void> {
  await orm.em.fork().transactional((em) => repo.insertNew(em, rows));
}

async function statuses(): Promise<Record<string, number>> {
  const rows = await query<{ status: string; n: string }>(env.DATABASE_URL, `select status, count(*) as n from "${schema}".delivery group by status`);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

describe('delivery sender', () => {
  it('When two senders work one delivery log, then every delivery is sent exactly once', async () => {
    await insert(Array.from({ length: 300 }, (_, i) => newDelivery(phoneOf(i))));
    const a = startSender();
    const b = startSender();
    await waitFor(async () => (await statuses()).SENT === 300, { description: '300 deliveries sent' });
    expect(sens.received).toHaveLength(300);
    expect(new Set(sens.received.map((m) => m.to)).size).toBe(300);
    expect(a.stats().claimed + b.stats().claimed).toBe(300);
  });

  it('When a delivery is inserted after the sender went idle, then the NOTIFY at commit wakes it at once', async () => {
    const sender = createDeliverySender({
      orm,
      databaseUrl,
      schema,
      deliveries: repo,
      provider: createSensProvider({ baseUrl: sens.url, accessKey: sens.accessKey, secretKey: sens.secretKey, serviceId: sens.serviceId, from: sens.from, ratePerSecond: 100, timeoutMs: 2_000, maxSockets: 2 }),
      policy: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200 },
      concurrency: 2,
      leaseMs: 10_000,
      pollIntervalMs: 60_000, // the poll would take a minute: only the NOTIFY can explain a fast send
      logger,
    });
    sender.start();
    senders.push(sender);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let it claim nothing and go idle
    const started = Date.now();
    await insert([newDelivery(phoneOf(1))]);
    await waitFor(() => sens.received.length === 1, { timeoutMs: 10_000, description: 'the woken sender to send' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('When a sender died holding a claim, then the delivery is claimed again after the lease, logged UNKNOWN and sent', async () => {
    const row = newDelivery(phoneOf(7));
    await insert([row]);
    // What a crash between the provider call and the record leaves: a claim, with its lease run out.
    await query(env.DATABASE_URL, `update "${schema}".delivery set claim_id = gen_random_uuid(), next_attempt_at = now() - interval '1 second' where id = $1`, [row.id]);
    const sender = startSender();
    await waitFor(async () => (await statuses()).SENT === 1, { description: 'the delivery sent again' });
    const attempts = await query<{ attempt: number; outcome: string }>(
      env.DATABASE_URL,
      `select attempt, outcome from "${schema}".delivery_attempt where delivery_id = $1 order by attempt`,
      [row.id],
    );
    expect(attempts).toEqual([
      { attempt: 1, outcome: 'UNKNOWN' },
      { attempt: 2, outcome: 'ACCEPTED' },
    ]);
    const [d] = await query<{ attempts: number; claim_id: string | null }>(env.DATABASE_URL, `select attempts, claim_id from "${schema}".delivery where id = $1`, [row.id]);
    expect(d).toEqual({ attempts: 2, claim_id: null });
    expect(sender.stats().lostClaims).toBe(1);
  });

  it('When a claim is still within its lease, then no other sender takes it', async () => {
    const row = newDelivery(phoneOf(8));
    await insert([row]);
    await query(env.DATABASE_URL, `update "${schema}".delivery set claim_id = gen_random_uuid(), next_attempt_at = now() + interval '1 minute' where id = $1`, [row.id]);
    const sender = startSender();
    await insert([newDelivery(phoneOf(9))]);
    await waitFor(() => sens.received.length === 1, { description: 'the unclaimed delivery sent' });
    expect(sens.received[0]?.to).toBe(phoneOf(9));
    expect(sender.stats().claimed).toBe(1);
  });

  it('When a verification code expired before it could be sent, then the delivery FAILS without a call and its secret is wiped', async () => {
    const expired = prepareDelivery({
      template: 'verification-code',
      recipient: phoneOf(3),
      variables: { purpose: 'SIGN_UP', code: '555111', validMinutes: 5 },
      dedupeKey: null,
      expiresAt: new Date(Date.now() - 1_000),
    });
    const row: NewDelivery = { ...expired, id: randomUUID(), eventId: randomUUID(), eventTopic: 'account.verification.requested', provider: 'sens', status: 'PENDING', providerMessage: null, traceHeaders: {} };
    await insert([row]);
    startSender();
    await waitFor(async () => (await statuses()).FAILED === 1, { description: 'the expired delivery failed' });
    const [d] = await query<{ provider_message: string; secret_text: string | null; attempts: number }>(
      env.DATABASE_URL,
      `select provider_message, secret_text, attempts from "${schema}".delivery where id = $1`,
      [row.id],
    );
    expect(d).toEqual({ provider_message: 'expired before it could be sent', secret_text: null, attempts: 0 });
    expect(sens.requests).toHaveLength(0);
  });

  it('When the provider rate limit is lower than the work, then calls are spread out to that rate', async () => {
    await insert(Array.from({ length: 100 }, (_, i) => newDelivery(phoneOf(100 + i))));
    startSender({ ratePerSecond: 50, concurrency: 16 });
    await waitFor(async () => (await statuses()).SENT === 100, { description: '100 deliveries sent' });
    // Timed where the limit is kept, at the sender: each call's signature timestamp is taken after
    // the limiter lets it go. (Arrival times at the fake server also carry the first burst's
    // connection set-up, which on a loaded machine ate 40–140 ms of the span.)
    const times = sens.received.map((m) => m.signedAt).sort((x, y) => x - y);
    // A burst of one second's worth (50), then one every 20 ms: the last 50 are spread over 1 s.
    expect(times[99]! - times[0]!).toBeGreaterThanOrEqual(980);
  });

  it('When the sender stops with calls in flight, then it waits for them and records their outcome', async () => {
    sens.answerWith(() => ({ delayMs: 400 }));
    await insert(Array.from({ length: 4 }, (_, i) => newDelivery(phoneOf(200 + i))));
    const sender = startSender({ concurrency: 4 });
    await waitFor(() => sens.requests.length === 4, { description: 'four calls in flight' });
    await sender.stop();
    senders = senders.filter((s) => s !== sender);
    expect(await statuses()).toEqual({ SENT: 4 });
  });
});
