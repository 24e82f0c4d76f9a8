import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { createSealer } from '@marketbill/platform';
import { type Party, type Role, sealedFieldContext, type TopicEvents, type TopicName, type VerificationRequested } from '@marketbill/schemas';
import { dropSchema, readTopic, serviceDatabase, stackEnv, uniqueName, uniqueTopicPrefix, waitFor, type TopicReader } from '@marketbill/testing';
import { readConfig } from '../config';
import { createService, type Service } from '../service';
import { createAccount } from '../use-cases/accounts/create-account';
import { actorOf } from '../use-cases/accounts/issue-session';
import { applyForConnection } from '../use-cases/connections/apply-for-connection';
import { decideConnection } from '../use-cases/connections/decide-connection';

/** An answer of the API, checked against the OpenAPI document before the test sees it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are read loosely in tests; the schema check is the assertion
export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestAccount {
  id: string;
  phone: string;
  password: string;
  role: Role;
  token: string;
  wholesalerId: string | null;
}

/** A port nothing listens on (bound, read, closed): catalog "down". */
export async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The ordering service on the real stack for one test file: its own Postgres schema and topic
 * prefix, HTTP on port 0. `call` goes through the real HTTP entry point and validates every
 * answer against the service's own OpenAPI document (status documented, body matches the schema,
 * problem+json for errors), so the contract is tested by every test.
 */
export async function startOrdering(overrides: Record<string, string> = {}, options: { replicaOf?: { settings: Record<string, string> } } = {}) {
  const env = stackEnv();
  // A replica shares the first edge's schema, topics and secrets: two edges of one deployment.
  const shared = options.replicaOf?.settings;
  const schema = shared?.DATABASE_SCHEMA ?? uniqueName('ordering');
  const prefix = shared?.KAFKA_TOPIC_PREFIX ?? uniqueTopicPrefix();
  // The service connects as its own role, owner of its schema only, as deployed.
  const databaseUrl = shared?.DATABASE_URL ?? (await serviceDatabase(env.DATABASE_URL, 'ordering', schema)).url;
  const settings: Record<string, string> = {
    ...env,
    DATABASE_URL: databaseUrl,
    APP_ENV: 'test',
    DATABASE_SCHEMA: schema,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '1',
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    // eslint-disable-next-line no-restricted-properties -- tests may raise the log level to debug
    LOG_LEVEL: process.env.MB_TEST_LOG ?? 'silent',
    ACCESS_TOKEN_SECRET: randomBytes(32).toString('hex'),
    CATALOG_API_TOKEN: randomBytes(16).toString('hex'),
    BILLING_API_TOKEN: randomBytes(16).toString('hex'),
    NOTIFIER_API_TOKEN: randomBytes(16).toString('hex'),
    EVENT_SEALING_KEY: randomBytes(32).toString('base64url'),
    PASSWORD_SCRYPT_COST: '1024',
    CATALOG_URL: `http://127.0.0.1:${await closedPort()}`,
    CUTOFF_JOB_ENABLED: 'false',
    ...(shared
      ? { ACCESS_TOKEN_SECRET: shared.ACCESS_TOKEN_SECRET as string, EVENT_SEALING_KEY: shared.EVENT_SEALING_KEY as string }
      : {}),
    ...overrides,
  };
  const config = readConfig(settings);
  // What the notifier holds: opens the sealed fields of the events, as tests read them.
  const sealer = createSealer({ current: settings.EVENT_SEALING_KEY as string });
  const opened = {
    code: (e: VerificationRequested) => sealer.open(e.sealedCode as string, sealedFieldContext.verificationCode(e.verificationId)),
    phone: (e: VerificationRequested) => sealer.open(e.sealedPhone as string, sealedFieldContext.verificationPhone(e.verificationId)),
    party: (p: Party) => ({ id: p.id, name: p.name, phone: sealer.open(p.sealedPhone as string, sealedFieldContext.partyPhone(p.id)) }),
  };
  const service: Service = await createService(config);
  await service.start();
  const url = (service.runtime.server as NonNullable<typeof service.runtime.server>).url;
  const messaging = service.runtime.messaging as NonNullable<typeof service.runtime.messaging>;

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(service.api.document, 'api.json');
  const operations = service.api.routes.map((r) => ({
    method: r.method.toUpperCase(),
    pattern: new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`),
    path: r.path,
  }));

  function validate(method: string, path: string, answer: Answer): void {
    const op = operations.find((o) => o.method === method && o.pattern.test(path.split('?')[0] as string));
    if (!op) return;
    const spec = (service.api.document.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }> }>>)[op.path]?.[method.toLowerCase()];
    const documented = spec?.responses[String(answer.status)];
    if (!documented) throw new Error(`${method} ${path} answered ${answer.status}, which the OpenAPI document does not list: ${JSON.stringify(answer.body)}`);
    const [type, media] = Object.entries(documented.content ?? {})[0] ?? [];
    if (!media) return;
    const got = answer.headers.get('content-type') ?? '';
    if (!got.startsWith(type as string)) throw new Error(`${method} ${path} answered ${got}, the document says ${type}`);
    const check = ajv.getSchema(`api.json${media.schema.$ref}`) ?? ajv.compile({ $ref: `api.json${media.schema.$ref}` });
    if (!check(answer.body)) throw new Error(`${method} ${path} ${answer.status} does not match ${media.schema.$ref}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(answer.body)}`);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see Answer
  async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    const answer: Answer<T> = { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
    validate(method, path, answer);
    return answer;
  }

  const readers = new Map<TopicName, TopicReader>();
  /** Every event of a topic published so far (decoded), read from Kafka from the beginning. */
  async function events<T extends TopicName>(topic: T): Promise<Array<TopicEvents[T]>> {
    let reader = readers.get(topic);
    if (!reader) {
      reader = await readTopic(messaging.kafka, messaging.naming.topic(topic));
      readers.set(topic, reader);
    }
    return Promise.all(reader.messages.map((m) => messaging.codec.decode(topic, m.value as Buffer)));
  }

  /** The raw messages of a topic so far (key as text, value as the bytes a topic reader gets). */
  async function rawMessages(topic: TopicName): Promise<Array<{ key: string; value: Buffer }>> {
    await events(topic);
    return (readers.get(topic) as TopicReader).messages.map((m) => ({ key: m.key?.toString() ?? '', value: m.value as Buffer }));
  }

  async function waitForEvent<T extends TopicName>(topic: T, match: (e: TopicEvents[T]) => boolean, description: string = topic): Promise<TopicEvents[T]> {
    return waitFor(async () => (await events(topic)).find(match), { timeoutMs: 30_000, description });
  }

  /** Publishes an event as another service would (schema registered under the test prefix). */
  async function produce<T extends TopicName>(topic: T, key: string, event: TopicEvents[T]): Promise<void> {
    await messaging.producer.send({ topic: messaging.naming.topic(topic), messages: [{ key, value: await messaging.codec.encode(topic, event) }] });
  }

  /** Raw bytes onto a topic (poisoned messages). */
  async function produceRaw(topic: TopicName, key: string, value: Buffer): Promise<void> {
    await messaging.producer.send({ topic: messaging.naming.topic(topic), messages: [{ key, value }] });
  }

  let phoneSeq = Math.floor(Math.random() * 90_000_000);
  const nextPhone = () => `010${String(10_000_000 + (phoneSeq++ % 89_999_999)).padStart(8, '0')}`;

  /** An account made by the operator path (no SMS), signed in through the API. */
  async function account(role: Role, options: { ownerId?: string; name?: string } = {}): Promise<TestAccount> {
    const password = `pw-${randomBytes(6).toString('hex')}1`;
    const phone = nextPhone();
    const created = await createAccount(service.context(), { phone, name: options.name ?? `${role.toLowerCase()}-${phone.slice(-4)}`, password, role, ...(options.ownerId ? { ownerId: options.ownerId } : {}) });
    const signIn = await call('POST', '/v1/auth/sign-in', { body: { phone, password } });
    if (signIn.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(signIn.body)}`);
    return { id: created.id, phone, password, role, token: signIn.body.accessToken, wholesalerId: created.wholesalerId };
  }

  /** A CONFIRMED connection between a retailer and a wholesaler (through the use cases). */
  async function connect(retailer: TestAccount, owner: TestAccount): Promise<string> {
    const ctx = service.context();
    const applied = await applyForConnection(ctx, actorOf({ id: retailer.id, role: 'RETAILER', wholesalerId: null }), { wholesalerId: owner.id });
    await decideConnection(ctx, actorOf({ id: owner.id, role: 'WHOLESALER_OWNER', wholesalerId: owner.id }), applied.connection.id, 'CONFIRMED');
    return applied.connection.id;
  }

  /** A variety in the read model, as auction.price.updated would put it there (through Kafka). */
  async function variety(item = '장미', name = `품종-${randomBytes(3).toString('hex')}`, prices: Array<{ grade: string; avg: number; qty?: number; day?: string }> = [{ grade: '특1', avg: 12_000 }]) {
    const varietyId = randomUUID();
    const itemId = randomUUID();
    const eventIds: string[] = [];
    for (const p of prices) {
      const eventId = randomUUID();
      eventIds.push(eventId);
      await produce('auction.price.updated', `CUT_FLOWER|${item}|${name}`, {
        eventId,
        occurredAt: Date.now(),
        saleDate: p.day ?? '2026-11-24',
        category: 'CUT_FLOWER',
        item,
        variety: name,
        grade: p.grade,
        minPrice: Math.round(p.avg * 0.7),
        avgPrice: p.avg,
        maxPrice: Math.round(p.avg * 1.3),
        totalAmount: p.avg * (p.qty ?? 100),
        totalQuantity: p.qty ?? 100,
        change: 'NEW',
        source: 'REPLAY',
        itemId,
        varietyId,
        revision: 0,
      });
    }
    // Processed = in the consumer's inbox (same transaction as the read-model write).
    await waitFor(async () => (await service.context().em.execute(`select 1 from "${schema}".inbox where event_id in (${eventIds.map(() => '?').join(',')})`, eventIds)).length === eventIds.length, {
      description: 'auction events processed',
    });
    return { varietyId, itemId, item, name };
  }

  return {
    service,
    config,
    settings,
    opened,
    schema,
    url,
    call,
    events,
    rawMessages,
    waitForEvent,
    produce,
    produceRaw,
    account,
    connect,
    variety,
    nextPhone,
    async stop() {
      for (const reader of readers.values()) await reader.stop().catch(() => undefined);
      await service.runtime.stop('test finished');
      if (!shared) await dropSchema(env.DATABASE_URL, schema);
    },
  };
}

export type OrderingHarness = Awaited<ReturnType<typeof startOrdering>>;
