import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLogger } from '@marketbill/platform';
import { bindTopics, createEventCodec, createKafka, createRegistryClient, createTopicNaming } from '@marketbill/messaging';
import { type TopicEvents, TOPICS } from '@marketbill/schemas';
import { startSystem, waitFor, type RunningSystem } from '@marketbill/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const topics = bindTopics<TopicEvents>(TOPICS);

// A web front end on another origin, in a real browser: headless Chromium from Debian (.ci/run
// installs it) loads a small page served from its own loopback origin, which signs a florist in
// through the REST edge, lists the florist's orders and downloads a statement PDF through its
// presigned link (the object store is a third origin). A page on an origin the edge does not list
// is refused by the browser itself. Swagger UI renders the edge's document without a warning.
jest.setTimeout(300_000);

const repoRoot = join(__dirname, '..', '..');
const chromiumPath = process.env.MB_CHROMIUM ?? '/usr/bin/chromium';
/** Chromium on a machine with no network but the package registries: nothing it may try on its own. */
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const artifacts = join(repoRoot, '.stack', 'artifacts');

let system: RunningSystem;
let listed: { server: Server; origin: string };
let unlisted: { server: Server; origin: string };
let context: BrowserContext;
let userDataDir: string;
const requested: string[] = [];
let florist: { phone: string; password: string };
let statement: { id: string; number: string; sha256: string };

/** Serves the front-end page on a free loopback port: `http://localhost:<port>` is its origin. */
async function servePage(): Promise<{ server: Server; origin: string }> {
  const html = readFileSync(join(__dirname, 'browser', 'front-end.html'));
  const server = createServer((req, res) => {
    if ((req.url ?? '/').split('?')[0] !== '/') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers read field by field
}

async function call(method: string, path: string, options: { token?: string; body?: unknown; key?: string } = {}): Promise<Answer> {
  const response = await fetch(`${system.urls.ordering}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.key ? { 'idempotency-key': options.key } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function expectStatus(answer: Promise<Answer>, status: number): Promise<Answer> {
  const a = await answer;
  if (a.status !== status) throw new Error(`expected ${status}, got ${a.status}: ${JSON.stringify(a.body)}`);
  return a;
}

/** The demo accounts (a retailer connected to a wholesaler with a business profile), as `npm run up` seeds them. */
function seedDemo(): { password: string; phones: Record<string, string> } {
  const result = spawnSync(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(repoRoot, 'services', 'ordering', 'dist', 'seed-demo.js')], {
    env: { PATH: process.env.PATH ?? '', ...system.env.ordering },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`seed-demo failed: ${result.stderr}`);
  const password = /password\s+(\S+)/.exec(result.stdout)?.[1] as string;
  const phones = Object.fromEntries([...result.stdout.matchAll(/^\s+(admin|retailer|owner|staff)\s+(\d{11})/gm)].map((m) => [m[1], m[2]]));
  return { password, phones: phones as Record<string, string> };
}

/** A variety in ordering's read model: one auction price, published as auction-ingest would. */
async function publishVariety(): Promise<string> {
  const env = system.env.ordering;
  const logger = createLogger({ service: 'browser-test', level: 'silent' });
  const kafka = createKafka({ brokers: (env.KAFKA_BROKERS as string).split(','), clientId: 'browser-test', logger });
  const naming = createTopicNaming(topics, env.KAFKA_TOPIC_PREFIX as string);
  const codec = createEventCodec(createRegistryClient(env.SCHEMA_REGISTRY_URL as string), naming);
  const producer = kafka.producer();
  await producer.connect();
  const varietyId = randomUUID();
  try {
    const event = {
      eventId: randomUUID(),
      occurredAt: Date.now(),
      saleDate: '2026-11-24',
      category: 'CUT_FLOWER' as const,
      item: '장미',
      variety: '브라우저레드',
      grade: '특1',
      minPrice: 9_000,
      avgPrice: 12_000,
      maxPrice: 15_000,
      totalAmount: 1_200_000,
      totalQuantity: 100,
      change: 'NEW' as const,
      source: 'REPLAY' as const,
      itemId: randomUUID(),
      varietyId,
      revision: 0,
    };
    await producer.send({ topic: naming.topic('auction.price.updated'), messages: [{ key: `CUT_FLOWER|장미|${event.variety}`, value: await codec.encode('auction.price.updated', event) }] });
  } finally {
    await producer.disconnect();
  }
  return varietyId;
}

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath}: apt-get install chromium (.ci/run does), or set MB_CHROMIUM`);
  listed = await servePage();
  unlisted = await servePage();
  // Ordering and billing are all the page needs; the edge allows only the listed page's origin.
  system = await startSystem({ services: ['ordering', 'billing'], perService: { ordering: { CORS_ALLOWED_ORIGINS: listed.origin } } });

  // A florist with a priced order and its statement, made through the edge.
  const demo = seedDemo();
  florist = { phone: demo.phones.retailer as string, password: demo.password };
  const owner = (await expectStatus(call('POST', '/v1/auth/sign-in', { body: { phone: demo.phones.owner, password: demo.password } }), 200)).body.accessToken as string;
  const retailer = (await expectStatus(call('POST', '/v1/auth/sign-in', { body: { phone: florist.phone, password: florist.password } }), 200)).body.accessToken as string;
  const wholesalerId = (await expectStatus(call('GET', '/v1/wholesaler', { token: owner }), 200)).body.id as string;
  const varietyId = await publishVariety();
  await waitFor(async () => (await call('POST', `/v1/carts/${wholesalerId}/lines`, { token: retailer, body: { varietyId, grade: 'UPPER', quantity: 12 } })).status === 200, {
    timeoutMs: 60_000,
    description: 'the variety in ordering’s read model',
  });
  const order = (await expectStatus(call('POST', '/v1/orders', { token: retailer, body: { wholesalerId }, key: randomUUID() }), 201)).body;
  await expectStatus(call('PATCH', `/v1/orders/${order.id}/prices`, { token: owner, body: { lines: [{ lineId: order.lines[0].id, unitPrice: 12_500 }] } }), 200);
  // Billing follows the orders and the profile through Kafka; until its view has caught up it answers 503: retry with the same key.
  const key = randomUUID();
  const issued = await waitFor(
    async () => {
      const answer = await call('POST', '/v1/statements', { token: owner, body: { orderIds: [order.id] }, key });
      if (answer.status === 201) return answer.body;
      if (answer.status !== 503 && answer.status !== 409) throw new Error(`issue: ${answer.status} ${JSON.stringify(answer.body)}`);
      return undefined;
    },
    { timeoutMs: 90_000, intervalMs: 1_000, description: 'the statement issued' },
  );
  statement = { id: issued.id, number: issued.number, sha256: issued.document.sha256 };
  // The order shows its statement once ordering has consumed statement.issued.
  await waitFor(async () => ((await call('GET', `/v1/orders/${order.id}`, { token: retailer })).body.statement ? true : undefined), { timeoutMs: 60_000, description: 'statement.issued at the edge' });

  userDataDir = mkdtempSync(join(tmpdir(), 'mb-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless: true, args: chromiumArgs, acceptDownloads: true });
  context.on('request', (request) => requested.push(request.url()));
  mkdirSync(artifacts, { recursive: true });
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await system?.stop();
  for (const page of [listed, unlisted]) await new Promise((resolve) => page?.server.close(resolve));
});

async function signIn(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/?edge=${encodeURIComponent(system.urls.ordering)}`);
  await page.fill('input[name=phone]', florist.phone);
  await page.fill('input[name=password]', florist.password);
  await page.click('#sign-in button');
}

describe('a web front end on another origin, in headless Chromium', () => {
  it('When the page on a listed origin signs in, lists the orders and downloads the statement, then every step works cross-origin and the PDF is the one billing stored', async () => {
    const page = await context.newPage();
    await signIn(page, listed.origin);
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('signed in'), null, { timeout: 30_000 });
    expect(await page.textContent('#status')).toBe('signed in; 1 order(s)');
    // X-Request-Id is readable by the page only because the edge exposes it.
    expect(await page.textContent('#request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.locator('tr.order .total').textContent()).toBe('150,000원');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.download')]);
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('downloaded'), null, { timeout: 30_000 });
    const shown = (await page.textContent('#status')) as string;
    expect(shown).toContain('starts %PDF-');
    expect(shown).toContain('sha256 matches');
    // The object store exposes Content-Disposition to the page: billing's Korean file name arrives intact.
    expect(shown).toContain(`file name 거래명세서_${statement.number}.pdf`);
    const saved = readFileSync(await download.path());
    expect(createHash('sha256').update(saved).digest('hex')).toBe(statement.sha256);
    expect(download.suggestedFilename()).toBe(`statement-${statement.number}.pdf`);

    // A POST with Authorization, Content-Type and Idempotency-Key passes the preflight, and the page reads the 409 problem.
    await page.click('#apply');
    await page.waitForFunction(() => (document.getElementById('apply-result')?.textContent ?? '') !== '', null, { timeout: 30_000 });
    expect(await page.textContent('#apply-result')).toBe('409 connection-exists');
    await page.screenshot({ path: join(artifacts, 'front-end.png'), fullPage: true });
    await page.close();
  });

  it('When the same page is served from an origin the edge does not list, then the browser withholds the answer and the page cannot sign in', async () => {
    const page = await context.newPage();
    const refused = page.waitForEvent('console', (m) => m.type() === 'error' && /CORS/i.test(m.text()));
    await signIn(page, unlisted.origin);
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('network error'), null, { timeout: 30_000 });
    expect(await page.textContent('#status')).toBe('network error: TypeError: Failed to fetch');
    expect((await refused).text()).toMatch(/blocked by CORS policy/);
    await page.close();
  });

  it('When Swagger UI loads the edge’s document, then every operation renders and no error or warning box appears', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    await page.goto(`${system.urls.ordering}/docs/`);
    const document_ = (await (await fetch(`${system.urls.ordering}/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const operationIds = Object.values(document_.paths).flatMap((item) => Object.values(item).map((op) => op.operationId)).sort();
    // Swagger UI groups by tag: an operation with two tags (catalog and admin) renders twice.
    const rendered = () => page.evaluate(() => [...new Set([...document.querySelectorAll('.opblock[id]')].map((e) => e.id.replace(/^operations-[^-]+-/, '')))].sort());
    await page.waitForFunction((n) => new Set([...document.querySelectorAll('.opblock[id]')].map((e) => e.id.replace(/^operations-[^-]+-/, ''))).size >= n, operationIds.length, { timeout: 60_000 });
    // Open one operation, so its body example and links render too.
    await page.click('#operations-orders-placeOrder .opblock-summary');
    await page.waitForSelector('#operations-orders-placeOrder .responses-wrapper', { timeout: 30_000 });
    await page.screenshot({ path: join(artifacts, 'swagger-ui.png'), fullPage: false });
    const boxes = await page.evaluate(() =>
      [...document.querySelectorAll('.errors-wrapper, .swagger-ui .errors, .loading-container .errors, .validator-badge, .version-pragma')].map((e) => e.textContent?.trim() ?? ''),
    );
    expect(boxes).toEqual([]);
    expect(await page.textContent('.info .title')).toContain('MarketBill REST edge');
    expect(await rendered()).toEqual(operationIds);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('When the browser ran the three pages, then it asked nothing of any address but loopback', () => {
    const outside = requested.filter((url) => !/^(https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/|blob:|data:)/.test(url));
    expect(outside).toEqual([]);
    expect(requested.length).toBeGreaterThan(10);
  });
});
