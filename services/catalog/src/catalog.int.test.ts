import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Producer } from 'kafkajs';
import { actorHeaders, createLogger } from '@marketbill/platform';
import { createEventCodec, createKafka, createProducer, createRegistryClient, createTopicNaming, type EventCodec } from '@marketbill/messaging';
import type { AuctionPriceUpdated, TopicEvents } from '@marketbill/schemas';
import { dropSchema, query, readTopic, serviceDatabase, stackEnv, uniqueName, uniqueTopicPrefix, waitFor, type TopicReader } from '@marketbill/testing';
import { readConfig } from './config';
import { createService, type Service } from './service';
import { topics } from './topics';

// One catalog service for the file (a service start joins a consumer group, which takes seconds);
// every test makes its own items and varieties with names no other test uses.
const env = stackEnv();
const TOKEN = 'catalog-test-token-0123456789';
const schema = uniqueName('catalog');
const prefix = uniqueTopicPrefix();
const naming = createTopicNaming(topics, prefix);
const logger = createLogger({ service: 'catalog-test', level: 'silent' });
const kafka = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'catalog-test', logger });
let service: Service;
let base: string;
let producer: Producer;
let codec: EventCodec<TopicEvents>;
let dlq: TopicReader;

beforeAll(async () => {
  const config = readConfig({
    DATABASE_URL: (await serviceDatabase(env.DATABASE_URL, 'catalog', schema)).url,
    KAFKA_BROKERS: env.KAFKA_BROKERS,
    SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL,
    DATABASE_SCHEMA: schema,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '2',
    HTTP_PORT: '0',
    LOG_LEVEL: 'silent',
    INTERNAL_API_CALLERS: `ordering=${TOKEN}`,
  });
  service = await createService(config);
  await service.start();
  base = `${service.runtime.server?.url}/internal/v1`;
  producer = createProducer(kafka);
  await producer.connect();
  codec = createEventCodec(createRegistryClient(env.SCHEMA_REGISTRY_URL), naming);
  dlq = await readTopic(kafka, naming.deadLetter('auction.price.updated'));
}, 60_000);

afterAll(async () => {
  await dlq?.stop();
  await producer?.disconnect();
  await service?.runtime.stop();
  await dropSchema(env.DATABASE_URL, schema);
  // Stopping leaves the consumer group and flushes Kafka clients: seconds on a busy machine.
}, 60_000);

const itemIds = new Map<string, string>();
const varietyIds = new Map<string, string>();
function idOf(map: Map<string, string>, key: string): string {
  if (!map.has(key)) map.set(key, randomUUID());
  return map.get(key) as string;
}

/** An event as auction-ingest would publish it (ids are the producer's business; random here). */
function priceEvent(item: string, variety: string, over: Partial<AuctionPriceUpdated> = {}): AuctionPriceUpdated {
  return {
    eventId: randomUUID(),
    occurredAt: Date.now(),
    saleDate: '2026-11-24',
    category: 'CUT_FLOWER',
    item,
    variety,
    grade: '상',
    minPrice: 800,
    avgPrice: 1000,
    maxPrice: 1500,
    totalAmount: 10_000,
    totalQuantity: 10,
    change: 'NEW',
    source: 'REPLAY',
    itemId: idOf(itemIds, `CUT_FLOWER|${item}`),
    varietyId: idOf(varietyIds, `CUT_FLOWER|${item}|${variety}`),
    revision: 1,
    ...over,
  };
}

async function send(...events: AuctionPriceUpdated[]): Promise<void> {
  const messages = [];
  for (const e of events) messages.push({ key: `${e.category}|${e.item}|${e.variety}`, value: await codec.encode('auction.price.updated', e) });
  await producer.send({ topic: naming.topic('auction.price.updated'), acks: -1, messages });
}

async function get(path: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  const response = await fetch(`${base}${path}`, { headers });
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> & { items: Array<Record<string, unknown>> } };
}

async function send_(method: 'PATCH' | 'POST', path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
}

/** A tag of latin letters that makes this test's names its own. */
const tag = () => randomUUID().replace(/[^a-f]/g, '').slice(0, 6).padEnd(6, 'x');
const admin = actorHeaders({ accountId: randomUUID(), role: 'ADMIN' });

async function waitForVariety(item: string, variety: string, until: (v: Record<string, unknown>) => boolean = () => true) {
  const id = varietyIds.get(`CUT_FLOWER|${item}|${variety}`) as string;
  return waitFor(
    async () => {
      const r = await get(`/varieties/${id}`);
      return r.status === 200 && until(r.body) && r.body;
    },
    { description: `variety ${variety}`, timeoutMs: 30_000 },
  );
}

describe('catalog: auction prices in, search and prices out', () => {
  it('When prices of a variety arrive, then it is found by partial Korean and 초성 keywords and shows its latest prices per grade with the change', async () => {
    const t = tag();
    const item = `장미${t}`;
    const variety = `레드나오미${t}`;
    await send(
      priceEvent(item, variety, { saleDate: '2026-11-20', grade: '특', avgPrice: 2000, totalAmount: 20_000 }),
      priceEvent(item, variety, { saleDate: '2026-11-20', grade: '상', avgPrice: 1000 }),
      priceEvent(item, variety, { saleDate: '2026-11-23', grade: '특', avgPrice: 2200, totalAmount: 22_000 }),
    );
    const detail = await waitForVariety(item, variety, (v) => v.lastAuctionDate === '2026-11-23');
    expect(detail).toMatchObject({ itemName: item, name: variety, category: 'CUT_FLOWER', colour: null, imageUrls: [], latestAvgPrice: 2200 });
    expect(detail.latestPrices).toEqual([
      { grade: '특', saleDate: '2026-11-23', minPrice: 800, avgPrice: 2200, maxPrice: 1500, totalQuantity: 10, totalAmount: 22_000, previous: { saleDate: '2026-11-20', avgPrice: 2000 }, avgChange: 200, avgChangeRate: 0.1 },
      { grade: '상', saleDate: '2026-11-20', minPrice: 800, avgPrice: 1000, maxPrice: 1500, totalQuantity: 10, totalAmount: 10_000, previous: null, avgChange: null, avgChangeRate: null },
    ]);
    for (const q of [`나오미${t}`, `ㄹㄷㄴㅇㅁ${t}`, `장미${t}`, `ㅈㅁ${t}`]) {
      const found = await get(`/varieties?q=${encodeURIComponent(q)}`);
      expect(found.body.items.map((v) => v.name)).toEqual([variety]);
    }
    const history = await get(`/varieties/${detail.id}/prices?grade=${encodeURIComponent('특')}&from=2026-11-01&to=2026-11-30`);
    expect(history.body).toEqual({
      varietyId: detail.id,
      grade: '특',
      points: [
        { saleDate: '2026-11-20', minPrice: 800, avgPrice: 2000, maxPrice: 1500, totalQuantity: 10, totalAmount: 20_000 },
        { saleDate: '2026-11-23', minPrice: 800, avgPrice: 2200, maxPrice: 1500, totalQuantity: 10, totalAmount: 22_000 },
      ],
    });
  });

  it('When a corrected row arrives, then it replaces that day’s figures and the variety average is recomputed over its grades', async () => {
    const t = tag();
    const [item, variety] = [`국화${t}`, `백마${t}`];
    await send(
      priceEvent(item, variety, { grade: '특', avgPrice: 1000, totalAmount: 10_000, totalQuantity: 10 }),
      priceEvent(item, variety, { grade: '상', avgPrice: 2000, totalAmount: 60_000, totalQuantity: 30 }),
    );
    await waitForVariety(item, variety, (v) => v.latestAvgPrice === 1750);
    await send(priceEvent(item, variety, { grade: '특', avgPrice: 3000, totalAmount: 30_000, totalQuantity: 10, change: 'CHANGED', revision: 2 }));
    const detail = await waitForVariety(item, variety, (v) => v.latestAvgPrice === 2250);
    expect((detail.latestPrices as Array<Record<string, unknown>>)[0]).toMatchObject({ grade: '특', avgPrice: 3000 });
  });

  it('When an older state arrives after a newer one, or the same event twice, then the newer state stays', async () => {
    const t = tag();
    const [item, variety] = [`튤립${t}`, `퍼플${t}`];
    const newer = priceEvent(item, variety, { avgPrice: 5000, totalAmount: 50_000, revision: 3, change: 'CHANGED' });
    const older = priceEvent(item, variety, { avgPrice: 4000, totalAmount: 40_000, revision: 2, change: 'CHANGED', occurredAt: newer.occurredAt + 60_000 });
    const olderDay = priceEvent(item, variety, { saleDate: '2026-11-01', avgPrice: 100 });
    const marker = priceEvent(item, variety, { grade: '보', saleDate: '2026-11-02' });
    await send(newer, older, newer, olderDay, marker);
    const detail = await waitForVariety(item, variety, (v) => (v.latestPrices as unknown[]).length === 2);
    expect(detail).toMatchObject({ lastAuctionDate: '2026-11-24', latestAvgPrice: 5000 });
    expect((detail.latestPrices as Array<Record<string, unknown>>)[0]).toMatchObject({ grade: '상', saleDate: '2026-11-24', avgPrice: 5000, previous: { saleDate: '2026-11-01', avgPrice: 100 } });
    const inbox = await query<{ n: number }>(env.DATABASE_URL, `select count(*)::int as n from "${schema}".inbox where event_id = $1`, [newer.eventId]);
    expect(inbox).toEqual([{ n: 1 }]);
  });

  it('When varieties are listed by item, window and price, then filters, order and pages hold', async () => {
    const t = tag();
    const item = `거베라${t}`;
    await send(
      priceEvent(item, `가${t}`, { saleDate: '2026-10-01', avgPrice: 300, totalAmount: 3000 }),
      priceEvent(item, `나${t}`, { saleDate: '2026-10-05', avgPrice: 100, totalAmount: 1000 }),
      priceEvent(item, `다${t}`, { saleDate: '2026-10-09', avgPrice: 200, totalAmount: 2000 }),
    );
    await waitForVariety(item, `다${t}`);
    await waitForVariety(item, `가${t}`);
    await waitForVariety(item, `나${t}`);
    const itemId = itemIds.get(`CUT_FLOWER|${item}`) as string;
    const names = async (qs: string) => (await get(`/varieties?itemId=${itemId}&${qs}`)).body;
    expect((await names('')).items.map((v) => v.name)).toEqual([`가${t}`, `나${t}`, `다${t}`]);
    expect((await names('sort=-latestAvgPrice')).items.map((v) => v.latestAvgPrice)).toEqual([300, 200, 100]);
    expect((await names('sort=-lastAuctionDate')).items.map((v) => v.lastAuctionDate)).toEqual(['2026-10-09', '2026-10-05', '2026-10-01']);
    expect((await names('buyableFrom=2026-10-04&buyableTo=2026-10-09')).items.map((v) => v.name)).toEqual([`나${t}`, `다${t}`]);
    expect(await names('size=2&page=1')).toMatchObject({ items: [{ name: `다${t}` }], page: 1, size: 2, total: 3 });
    expect(await names('size=2&page=5')).toMatchObject({ items: [], total: 3 });
    const items = await get(`/items?q=${encodeURIComponent(item)}`);
    expect(items.body.items).toEqual([{ id: itemId, category: 'CUT_FLOWER', name: item, imageUrl: null, varietyCount: 3 }]);
    const lookup = await send_('POST', '/varieties/lookup', { ids: [varietyIds.get(`CUT_FLOWER|${item}|나${t}`), randomUUID()] });
    expect((lookup.body.items as unknown[]).map((v) => (v as { name: string }).name)).toEqual([`나${t}`]);
  });

  it('When a variety was auctioned before, inside and after a window, then "buyable in the window" follows its price days, not only its last one', async () => {
    const t = tag();
    const item = `리시안${t}`;
    // 가: only 10-01. 나: 10-02 and again 10-20 (its last day is after every window below). 다: 10-08 and 10-20 (nothing in 10-03…10-07).
    await send(
      priceEvent(item, `가${t}`, { saleDate: '2026-10-01', avgPrice: 100, totalAmount: 1000 }),
      priceEvent(item, `나${t}`, { saleDate: '2026-10-02', avgPrice: 100, totalAmount: 1000 }),
      priceEvent(item, `나${t}`, { saleDate: '2026-10-20', avgPrice: 100, totalAmount: 1000 }),
      priceEvent(item, `다${t}`, { saleDate: '2026-10-08', avgPrice: 100, totalAmount: 1000 }),
      priceEvent(item, `다${t}`, { saleDate: '2026-10-20', avgPrice: 100, totalAmount: 1000 }),
    );
    await waitForVariety(item, `가${t}`);
    // Each variety's events share a key, so its earlier day is applied before its later one.
    await waitForVariety(item, `나${t}`, (v) => v.lastAuctionDate === '2026-10-20');
    await waitForVariety(item, `다${t}`, (v) => v.lastAuctionDate === '2026-10-20');
    const itemId = itemIds.get(`CUT_FLOWER|${item}`) as string;
    const buyable = async (qs: string) => ((await get(`/varieties?itemId=${itemId}&${qs}`)).body.items as Array<{ name: string }>).map((v) => v.name);
    expect(await buyable('buyableFrom=2026-10-01&buyableTo=2026-10-03')).toEqual([`가${t}`, `나${t}`]);
    expect(await buyable('buyableFrom=2026-10-03&buyableTo=2026-10-07')).toEqual([]);
    expect(await buyable('buyableFrom=2026-10-03&buyableTo=2026-10-08')).toEqual([`다${t}`]);
    expect(await buyable('buyableFrom=2026-10-19&buyableTo=2026-10-25')).toEqual([`나${t}`, `다${t}`]);
    expect(await buyable('buyableTo=2026-10-01')).toEqual([`가${t}`]);
    expect(await buyable('buyableTo=2026-10-05')).toEqual([`가${t}`, `나${t}`]);
    expect(await buyable('buyableFrom=2026-10-09')).toEqual([`나${t}`, `다${t}`]);
  });

  it('When a message cannot be applied or decoded, then it is dead-lettered with its reason and the next one is processed', async () => {
    const t = tag();
    const before = dlq.messages.length;
    await send(priceEvent(`수국${t}`, `블루${t}`, { varietyId: '' }));
    await producer.send({ topic: naming.topic('auction.price.updated'), messages: [{ key: 'x', value: Buffer.from('not avro') }] });
    await send(priceEvent(`수국${t}`, `핑크${t}`));
    await waitForVariety(`수국${t}`, `핑크${t}`);
    const dead = await dlq.waitForCount(before + 2);
    expect(dead.slice(before).map((m) => m.headers['dlq-error-code']).sort()).toEqual(['invalid-auction-price-event', 'undecodable-message']);
  });
});

describe('catalog: internal API rules', () => {
  it('When a request has no token or a wrong one, then it is refused with a problem', async () => {
    const none = await get('/varieties', {});
    expect(none).toMatchObject({ status: 401, type: expect.stringContaining('application/problem+json'), body: { code: 'unauthenticated' } });
    expect((await get('/items', { authorization: 'Bearer wrong-token-wrong-token' })).body).toMatchObject({ code: 'invalid-token' });
  });

  it('When the input is invalid, then the answer is a 400 problem naming the field, and unknown ids are 404', async () => {
    expect(await get('/varieties?size=500')).toMatchObject({ status: 400, body: { code: 'validation-failed', errors: [{ path: 'query.size' }] } });
    expect(await get('/varieties?buyableFrom=2026-11-02&buyableTo=2026-11-01')).toMatchObject({ status: 400 });
    expect(await get('/varieties/not-a-uuid')).toMatchObject({ status: 400 });
    expect(await get(`/varieties/${randomUUID()}`)).toMatchObject({ status: 404, body: { code: 'variety-not-found' } });
    expect(await get(`/varieties/${randomUUID()}/prices?grade=${encodeURIComponent('특')}&from=2025-01-01&to=2026-11-01`)).toMatchObject({ status: 400 });
    expect(await send_('POST', '/varieties/lookup', { ids: Array.from({ length: 201 }, () => randomUUID()) })).toMatchObject({ status: 400 });
  });

  it('When an administrator curates a variety and an item, then the change is kept and later prices do not undo it; others are refused', async () => {
    const t = tag();
    const [item, variety] = [`카라${t}`, `웨딩${t}`];
    await send(priceEvent(item, variety));
    const { id } = await waitForVariety(item, variety);
    const patch = { colour: '흰색', imageUrls: ['https://img.example.com/calla.jpg'] };
    expect(await send_('PATCH', `/varieties/${id}`, patch)).toMatchObject({ status: 403, body: { code: 'admin-required' } });
    expect(await send_('PATCH', `/varieties/${id}`, patch, actorHeaders({ accountId: randomUUID(), role: 'RETAILER' }))).toMatchObject({ status: 403 });
    expect(await send_('PATCH', `/varieties/${id}`, { imageUrls: ['http://insecure.example.com/a.jpg'] }, admin)).toMatchObject({ status: 400 });
    expect(await send_('PATCH', `/varieties/${id}`, patch, admin)).toMatchObject({ status: 200, body: { id, ...patch } });
    await send(priceEvent(item, variety, { saleDate: '2026-11-25' }));
    const after = await waitForVariety(item, variety, (v) => v.lastAuctionDate === '2026-11-25');
    expect(after).toMatchObject(patch);
    const itemId = itemIds.get(`CUT_FLOWER|${item}`) as string;
    expect(await send_('PATCH', `/items/${itemId}`, { imageUrl: 'https://img.example.com/item.jpg' }, admin)).toMatchObject({ status: 200, body: { imageUrl: 'https://img.example.com/item.jpg', varietyCount: 1 } });
    expect(await send_('PATCH', `/items/${randomUUID()}`, { imageUrl: null }, admin)).toMatchObject({ status: 404 });
  });
});
