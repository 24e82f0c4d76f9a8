import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { seoulDay } from '@marketbill/platform';
import type { StatementIssued } from '@marketbill/schemas';
import { query, readTopic, stackEnv, waitFor } from '@marketbill/testing';
import { pruneExpired } from '../../use-cases/housekeeping/prune-expired';
import { orderDueCarts } from '../../use-cases/orders/order-due-carts';
import { startOrdering, type OrderingHarness } from '../../testing/ordering-harness';

jest.setTimeout(120_000);

let h: OrderingHarness;
beforeAll(async () => {
  h = await startOrdering();
});
afterAll(async () => h?.stop());

function statement(orderIds: string[], number: string, version: number, issuedAt: number): StatementIssued {
  const party = { id: randomUUID(), name: 'x', phone: null, sealedPhone: null };
  return {
    eventId: randomUUID(),
    occurredAt: issuedAt,
    statementId: randomUUID(),
    statementNumber: number,
    version,
    supersedesStatementId: null,
    issuedAt,
    issueDay: '2026-11-26',
    wholesaler: party,
    retailer: party,
    orders: orderIds.map((orderId) => ({ orderId, orderNumber: 'n' })),
    lineCount: 1,
    total: 1,
    previousBalance: 0,
    payments: 0,
    balance: 1,
    document: { bucket: 'b', objectKey: `k/${randomUUID()}`, sha256: 'a'.repeat(64), sizeBytes: 1, pages: 1 },
  };
}

async function dlq(topic: 'auction.price.updated' | 'statement.issued') {
  const messaging = h.service.runtime.messaging as NonNullable<typeof h.service.runtime.messaging>;
  return readTopic(messaging.kafka, messaging.naming.deadLetter(topic));
}

describe('the edge', () => {
  it('When housekeeping runs, then expired idempotency keys and rate-limit windows go and live ones stay', async () => {
    const { DATABASE_URL } = stackEnv();
    const retailer = await h.account('RETAILER');
    await query(DATABASE_URL, `insert into "${h.schema}".idempotency_keys (account_id, key, request_hash, created_at) values ($1, 'old', 'h', now() - interval '2 days'), ($1, 'new', 'h', now())`, [retailer.id]);
    await query(DATABASE_URL, `insert into "${h.schema}".rate_limits values ('old-window', now() - interval '2 days', 3)`);
    const ctx = h.service.context();
    const deleted = await pruneExpired(ctx);
    expect(deleted.idempotencyKeys).toBe(1);
    expect(deleted.rateLimits).toBeGreaterThanOrEqual(1);
    const keys = await query<{ key: string }>(DATABASE_URL, `select key from "${h.schema}".idempotency_keys where account_id = $1`, [retailer.id]);
    expect(keys.map((k) => k.key)).toEqual(['new']);
  });

  it('When /openapi.json and /docs are fetched, then the 3.1 document and Swagger UI are served from the package', async () => {
    const doc = await fetch(`${h.url}/openapi.json`);
    const body = (await doc.json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/v1/orders', '/v1/auth/sign-in', '/v1/catalog/varieties']));
    expect(body.components.schemas.Order).toBeDefined();
    const ui = await fetch(`${h.url}/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    expect((await fetch(`${h.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
    expect(await (await fetch(`${h.url}/docs/swagger-initializer.js`)).text()).toContain('/openapi.json');
  });

  it('When catalog is down (CATALOG_URL at a closed port), then browsing answers 503 catalog-unavailable quickly', async () => {
    const retailer = await h.account('RETAILER');
    const started = Date.now();
    const answer = await h.call('GET', '/v1/catalog/varieties?q=%EC%9E%A5%EB%AF%B8', { token: retailer.token });
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe('catalog-unavailable');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('When the body is not JSON, or a field is invalid, then the answer is a 400 problem and nothing changes', async () => {
    const retailer = await h.account('RETAILER');
    const raw = await fetch(`${h.url}/v1/orders`, { method: 'POST', headers: { authorization: `Bearer ${retailer.token}`, 'content-type': 'application/json' }, body: '{' });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('content-type')).toContain('application/problem+json');
    const bad = await h.call('POST', `/v1/carts/${randomUUID()}/lines`, { token: retailer.token, body: { varietyId: 'x', grade: 'TOP', quantity: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['grade', 'quantity', 'varietyId']);
    const emptyPage = await h.call('GET', '/v1/orders?page=', { token: retailer.token });
    expect(emptyPage.status).toBe(400);
    const wrongMethod = await h.call('DELETE', '/v1/orders', { token: retailer.token });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST, GET');
  });

  it('When a body holds bytes that are not UTF-8, then 400 invalid-utf8 and nothing is stored with U+FFFD', async () => {
    const owner = await h.account('WHOLESALER_OWNER');
    const profile = { businessNumber: '2208162517', companyName: 'X', representative: 'Y', address: 'Z', phone: '02-1234-5678', businessType: '도소매', businessItem: '화훼', bankAccount: '농협 1' };
    const json = JSON.stringify({ ...profile, companyName: '양재꽃상회' });
    // "양재꽃상회" with its last syllable cut in the middle of its UTF-8 bytes.
    const broken = Buffer.from(json.replace('양재꽃상회', '양재꽃상\u0001'));
    const at = broken.indexOf(0x01);
    broken[at] = 0xed;
    const answer = await fetch(`${h.url}/v1/wholesaler/profile`, { method: 'PUT', headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' }, body: broken });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { code: string }).code).toBe('invalid-utf8');
    expect((await h.call('GET', '/v1/wholesaler', { token: owner.token })).body.profile).toBeNull();
  });

  it('When a request header is 60 KB, then 431 as problem+json', async () => {
    const answer = await fetch(`${h.url}/v1/me`, { headers: { 'x-filler': 'x'.repeat(60 * 1024) } });
    expect(answer.status).toBe(431);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(((await answer.json()) as { code: string }).code).toBe('headers-too-large');
  });

  it('When auction prices arrive twice and out of order, then the read model keeps the latest day per grade', async () => {
    const v = await h.variety('국화', '백마', [
      { grade: '특1', avg: 3_000, day: '2026-11-24' },
      { grade: '특1', avg: 2_000, day: '2026-11-20' },
      { grade: '상', avg: 1_500, day: '2026-11-24' },
    ]);
    const rows = await query<{ auction_grade: string; avg_price: string; sale_date: string }>(
      stackEnv().DATABASE_URL,
      `select auction_grade, avg_price, sale_date from "${h.schema}".auction_prices where variety_id = $1 order by auction_grade`,
      [v.varietyId],
    );
    expect(rows).toEqual([
      { auction_grade: '상', avg_price: '1500', sale_date: '2026-11-24' },
      { auction_grade: '특1', avg_price: '3000', sale_date: '2026-11-24' },
    ]);
  });

  it('When auction.price.updated is poisoned (no ids, or not Avro), then it is dead-lettered and the next event is processed', async () => {
    const dead = await dlq('auction.price.updated');
    await h.produce('auction.price.updated', 'k', {
      eventId: randomUUID(),
      occurredAt: Date.now(),
      saleDate: '2026-11-24',
      category: 'CUT_FLOWER',
      item: '장미',
      variety: '옛날',
      grade: '특1',
      minPrice: 1,
      avgPrice: 1,
      maxPrice: 1,
      totalAmount: 1,
      totalQuantity: 1,
      change: 'NEW',
      source: 'REPLAY',
      itemId: '',
      varietyId: '',
      revision: 0,
    });
    await h.produceRaw('auction.price.updated', 'k', Buffer.from('not avro at all'));
    const messages = await dead.waitForCount(2);
    expect(messages.map((m) => m.headers['dlq-error-code']).sort()).toEqual(['undecodable-message', 'validation-failed']);
    await dead.stop();
    await h.variety('장미', '다음');
  });

  it('When statement.issued names orders, then they point at the newest statement, whatever the arrival order; a poisoned one is dead-lettered', async () => {
    const owner = await h.account('WHOLESALER_OWNER');
    const retailer = await h.account('RETAILER');
    await h.connect(retailer, owner);
    const v = await h.variety();
    await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: retailer.token, body: { varietyId: v.varietyId, grade: 'UPPER', quantity: 1 } });
    const order = (await h.call('POST', '/v1/orders', { token: retailer.token, body: { wholesalerId: owner.id } })).body;
    const v1 = statement([order.id], '2611-00001', 1, 1_764_100_000_000);
    const v2 = statement([order.id], '2611-00001', 2, 1_764_200_000_000);
    await h.produce('statement.issued', v2.statementId, v2);
    await h.produce('statement.issued', v1.statementId, v1);
    await h.produce('statement.issued', v2.statementId, v2);
    const dead = await dlq('statement.issued');
    await h.produce('statement.issued', 'poison', statement(['not-a-uuid'], 'x', 1, 1));
    expect((await dead.waitForCount(1))[0]?.headers['dlq-error-code']).toBe('validation-failed');
    await dead.stop();
    const after = await waitFor(async () => {
      const o = (await h.call('GET', `/v1/orders/${order.id}`, { token: owner.token })).body;
      return o.statement?.version === 2 && o;
    });
    expect(after.statement).toMatchObject({ id: v2.statementId, number: '2611-00001', version: 2 });
    const subscriber = h.service.runtime.messaging?.subscriber;
    await waitFor(() => (subscriber?.stats().processed ?? 0) >= 3 && true);
    expect((await h.call('GET', `/v1/orders/${order.id}`, { token: owner.token })).body.statement.id).toBe(v2.statementId);
  });

  it('When a wholesaler’s cutoff has passed, then open carts changed before it are ordered through placeOrder (CUTOFF) and later ones wait', async () => {
    const owner = await h.account('WHOLESALER_OWNER');
    const early = await h.account('RETAILER');
    const late = await h.account('RETAILER');
    await h.connect(early, owner);
    await h.connect(late, owner);
    const v = await h.variety();
    await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: early.token, body: { varietyId: v.varietyId, grade: 'UPPER', quantity: 2 } });
    await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: late.token, body: { varietyId: v.varietyId, grade: 'LOWER', quantity: 1 } });
    const { DATABASE_URL } = stackEnv();
    // The early cart was last changed an hour ago; the cutoff is 30 minutes ago (Seoul time).
    const now = new Date();
    const cutoff = new Date(now.getTime() - 30 * 60_000);
    const hhmm = new Date(cutoff.getTime() + 9 * 3_600_000).toISOString().slice(11, 16);
    await query(DATABASE_URL, `update "${h.schema}".wholesalers set cutoff_time = $1 where id = $2`, [hhmm, owner.id]);
    await query(DATABASE_URL, `update "${h.schema}".carts set updated_at = now() - interval '1 hour' where retailer_id = $1`, [early.id]);

    const ctx = h.service.context();
    const result = await orderDueCarts(ctx, h.service.runtime.logger);
    expect(result.ordered).toBeGreaterThanOrEqual(1);
    const earlyOrders = await h.call('GET', '/v1/orders', { token: early.token });
    expect(earlyOrders.body.items).toEqual([expect.objectContaining({ placement: 'CUTOFF', saleDay: seoulDay(now) })]);
    expect((await h.call('GET', '/v1/orders', { token: late.token })).body.total).toBe(0);
    const placed = await h.waitForEvent('order.placed', (e) => e.order.retailer.id === early.id);
    expect(placed.order.placement).toBe('CUTOFF');
    expect((await orderDueCarts(ctx, h.service.runtime.logger)).ordered).toBe(0);
  });
});
