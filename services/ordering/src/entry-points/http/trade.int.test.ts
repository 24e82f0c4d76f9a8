import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { outboxRecord } from '../../topics';
import { seoulDay } from '@marketbill/platform';
import { query, stackEnv, waitFor } from '@marketbill/testing';
import { claimIdempotencyKey } from '../../data-access/idempotency-repository';
import { readCartForOrder, writeOrder } from '../../data-access/order-placement-repository';
import { startOrdering, type OrderingHarness, type TestAccount } from '../../testing/ordering-harness';

jest.setTimeout(120_000);

let h: OrderingHarness;
let retailer: TestAccount;
let owner: TestAccount;
let staff: TestAccount;
let rose: { varietyId: string; name: string };
let tulip: { varietyId: string; name: string };

beforeAll(async () => {
  h = await startOrdering();
  owner = await h.account('WHOLESALER_OWNER', { name: '양재꽃상회' });
  staff = await h.account('WHOLESALER_STAFF', { ownerId: owner.id });
  retailer = await h.account('RETAILER', { name: '꽃담플라워' });
  rose = await h.variety('장미', '레드나오미', [
    { grade: '특1', avg: 13_000, qty: 100 },
    { grade: '특2', avg: 9_000, qty: 50 },
    { grade: '보통', avg: 5_000, qty: 10 },
  ]);
  tulip = await h.variety('튤립', '핑크', [{ grade: '상', avg: 4_000 }]);
});
afterAll(async () => h?.stop());

/** A retailer connected to the owner, with a cart of the given lines, ordered. */
async function placedOrder(r: TestAccount, lines: Array<{ varietyId: string; grade: string; quantity: number }>, key?: string) {
  for (const line of lines) expect((await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body: line })).status).toBe(200);
  const placed = await h.call('POST', '/v1/orders', { token: r.token, body: { wholesalerId: owner.id }, ...(key ? { headers: { 'idempotency-key': key } } : {}) });
  expect(placed.status).toBe(201);
  return placed.body;
}

describe('connections', () => {
  it('When a retailer applies and staff confirm, then both events carry the parties, and a duplicate is refused', async () => {
    const r = await h.account('RETAILER', { name: '새꽃집' });
    const applied = await h.call('POST', '/v1/connections', { token: r.token, body: { wholesalerId: owner.id } });
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ status: 'APPLYING', retailer: { id: r.id, name: '새꽃집' }, wholesaler: { id: owner.id, name: '양재꽃상회' } });
    expect((await h.call('POST', '/v1/connections', { token: r.token, body: { wholesalerId: owner.id } })).body.code).toBe('connection-exists');
    const requested = await h.waitForEvent('connection.requested', (e) => e.connectionId === applied.body.id);
    // Phones travel sealed: only the notifier's key opens them.
    expect(requested.wholesaler).toMatchObject({ id: owner.id, name: '양재꽃상회', phone: null });
    expect(h.opened.party(requested.wholesaler)).toEqual({ id: owner.id, name: '양재꽃상회', phone: owner.phone });
    expect(h.opened.party(requested.retailer).phone).toBe(r.phone);

    const decided = await h.call('POST', `/v1/connections/${applied.body.id}/decision`, { token: staff.token, body: { decision: 'CONFIRMED' } });
    expect(decided.body.status).toBe('CONFIRMED');
    expect((await h.waitForEvent('connection.decided', (e) => e.connectionId === applied.body.id)).decision).toBe('CONFIRMED');
    expect((await h.call('POST', `/v1/connections/${applied.body.id}/decision`, { token: owner.token, body: { decision: 'REJECTED' } })).body.code).toBe('connection-not-pending');
  });

  it('When an application is rejected, then the retailer may apply again', async () => {
    const r = await h.account('RETAILER');
    const first = await h.call('POST', '/v1/connections', { token: r.token, body: { wholesalerId: owner.id } });
    await h.call('POST', `/v1/connections/${first.body.id}/decision`, { token: owner.token, body: { decision: 'REJECTED' } });
    const second = await h.call('POST', '/v1/connections', { token: r.token, body: { wholesalerId: owner.id } });
    expect(second.status).toBe(201);
    const listed = await h.call('GET', '/v1/wholesalers?q=%EC%96%91%EC%9E%AC', { token: r.token });
    expect(listed.body.items.find((w: { id: string }) => w.id === owner.id)?.connection.status).toBe('APPLYING');
  });

  it('When a retailer without a confirmed connection fills a cart or orders, then it is refused', async () => {
    const r = await h.account('RETAILER');
    const line = await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body: { varietyId: rose.varietyId, grade: 'UPPER', quantity: 1 } });
    expect(line.status).toBe(403);
    expect(line.body.code).toBe('connection-not-confirmed');
    expect((await h.call('POST', '/v1/orders', { token: r.token, body: { wholesalerId: owner.id } })).status).toBe(409);
  });
});

describe('carts', () => {
  it('When the same variety and grade is added again, then the quantity is replaced; a grade moved onto another line merges them', async () => {
    const r = await h.account('RETAILER');
    await h.connect(r, owner);
    const add = (body: object) => h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body });
    await add({ varietyId: rose.varietyId, grade: 'UPPER', quantity: 10 });
    let cart = (await add({ varietyId: rose.varietyId, grade: 'UPPER', quantity: 4, memo: '봉오리로' })).body;
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0]).toMatchObject({ quantity: 4, memo: '봉오리로', itemName: '장미', varietyName: '레드나오미' });
    cart = (await add({ varietyId: rose.varietyId, grade: 'MIDDLE', quantity: 3 })).body;
    const middle = cart.lines.find((l: { grade: string }) => l.grade === 'MIDDLE');
    cart = (await h.call('PATCH', `/v1/carts/${owner.id}/lines/${middle.id}`, { token: r.token, body: { grade: 'UPPER' } })).body;
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0]).toMatchObject({ grade: 'UPPER', quantity: 7 });
    const unknown = await add({ varietyId: '6f1c2b3a-9d8e-4f70-8a1b-2c3d4e5f6a7b', grade: 'UPPER', quantity: 1 });
    expect(unknown.status).toBe(400);
    const removed = await h.call('DELETE', `/v1/carts/${owner.id}/lines/${cart.lines[0].id}`, { token: r.token });
    expect(removed.body).toMatchObject({ id: null, lines: [] });
  });
});

describe('orders', () => {
  it('When a retailer orders its cart, then the order sheet has a day-prefixed number, empty prices, and order.placed carries every line', async () => {
    await h.connect(retailer, owner);
    await h.call('PATCH', `/v1/carts/${owner.id}`, { token: retailer.token, body: { memo: '새벽 5시 픽업', fulfilment: { method: 'PICKUP' } } });
    const order = await placedOrder(retailer, [
      { varietyId: rose.varietyId, grade: 'UPPER', quantity: 10 },
      { varietyId: tulip.varietyId, grade: 'MIDDLE', quantity: 5 },
    ]);
    const prefix = seoulDay().slice(2).replace(/-/g, '');
    expect(order.number).toMatch(new RegExp(`^${prefix}-\\d{6}$`));
    expect(order).toMatchObject({ status: 'PLACED', placement: 'MANUAL', version: 1, priceState: 'UNPRICED', total: 0, memo: '새벽 5시 픽업' });
    expect(order.lines.map((l: { unitPrice: number | null }) => l.unitPrice)).toEqual([null, null]);
    expect((await h.call('GET', `/v1/carts/${owner.id}`, { token: retailer.token })).body.lines).toEqual([]);
    const event = await h.waitForEvent('order.placed', (e) => e.order.orderId === order.id);
    expect(event.order.lines).toHaveLength(2);
    expect(event.order.lines[0]).toMatchObject({ kind: 'ITEM', varietyId: rose.varietyId, itemName: '장미', varietyName: '레드나오미', grade: 'UPPER', quantity: 10, unitPrice: null });
    expect([event.order.retailer.phone, event.order.wholesaler.phone]).toEqual([null, null]);
    expect(h.opened.party(event.order.retailer).phone).toBe(retailer.phone);
    expect(h.opened.party(event.order.wholesaler).phone).toBe(owner.phone);
  });

  it('When "place order" is retried with the same Idempotency-Key, then one order exists and both answers are the same; another body with that key is refused', async () => {
    const r = await h.account('RETAILER');
    await h.connect(r, owner);
    await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body: { varietyId: rose.varietyId, grade: 'LOWER', quantity: 2 } });
    const key = `order-${Date.now()}`;
    const [a, b] = await Promise.all([
      h.call('POST', '/v1/orders', { token: r.token, body: { wholesalerId: owner.id }, headers: { 'idempotency-key': key } }),
      h.call('POST', '/v1/orders', { token: r.token, body: { wholesalerId: owner.id }, headers: { 'idempotency-key': key } }),
    ]);
    const statuses = [a.status, b.status].sort();
    // Concurrent duplicates: one creates; the other either replays it or is told the first is in flight.
    expect(statuses[0]).toBe(201);
    const retry = await h.call('POST', '/v1/orders', { token: r.token, body: { wholesalerId: owner.id }, headers: { 'idempotency-key': key } });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe((a.status === 201 ? a : b).body.id);
    const list = await h.call('GET', '/v1/orders', { token: r.token });
    expect(list.body.total).toBe(1);
    const other = await h.call('POST', '/v1/orders', { token: r.token, body: { wholesalerId: staff.id }, headers: { 'idempotency-key': key } });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency-key-reused');
  });

  it('When the cart changes between reading it and writing the order, then the stale write changes nothing and the order is the changed cart', async () => {
    const r = await h.account('RETAILER');
    await h.connect(r, owner);
    await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body: { varietyId: rose.varietyId, grade: 'UPPER', quantity: 3 } });
    const { em } = h.service.context();
    const read = await readCartForOrder(em, seoulDay(), r.id, owner.id);
    expect(read).toMatchObject({ confirmed: true, lines: [{ varietyId: rose.varietyId, grade: 'UPPER', quantity: 3, itemName: '장미' }] });
    // Another device adds a line after the read.
    expect((await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body: { varietyId: tulip.varietyId, grade: 'MIDDLE', quantity: 4 } })).status).toBe(200);
    const orderId = randomUUID();
    const now = new Date();
    const order = { id: orderId, number: `stale-${orderId}`, retailerId: r.id, wholesalerId: owner.id, status: 'PLACED' as const, placement: 'MANUAL' as const, placedAt: now, saleDay: seoulDay(now), memo: null, fulfilmentMethod: 'PICKUP' as const, fulfilmentState: 'PENDING' as const, deliveryAddress: null, version: 1, pricedAt: null, cancelledAt: null, statementId: null, statementNumber: null, statementVersion: null, statementIssuedAt: null, updatedAt: now };
    const lines = read!.lines.map((l, i) => ({ id: randomUUID(), orderId, position: i + 1, kind: 'ITEM' as const, varietyId: l.varietyId, itemName: l.itemName, varietyName: l.varietyName, grade: l.grade, quantity: l.quantity, unitPrice: null, memo: null }));
    const event = outboxRecord('order.placed', orderId, { eventId: randomUUID(), occurredAt: now.getTime(), order: { orderId, orderNumber: order.number, version: 1, status: 'PLACED', placement: 'MANUAL', placedAt: now.getTime(), saleDay: order.saleDay, retailer: { id: r.id, name: read!.retailer.name, phone: null, sealedPhone: 's1.test' }, wholesaler: { id: owner.id, name: read!.wholesaler.name, phone: null, sealedPhone: 's1.test' }, memo: null, fulfilment: { method: 'PICKUP', state: 'PENDING', address: null }, lines: lines.map((l) => ({ lineId: l.id, kind: l.kind, varietyId: l.varietyId, itemName: l.itemName, varietyName: l.varietyName, grade: l.grade, quantity: l.quantity, unitPrice: null, amount: null, memo: null })), priceState: 'UNPRICED', total: 0, pricedAt: null } });
    expect(await writeOrder(em, read!, order, lines, event)).toBe('cart-changed');
    const written = await em.execute(`select (select count(*) from "${h.schema}".orders where id = ?) as orders, (select count(*) from "${h.schema}".outbox where event_id = ?) as events`, [orderId, event.eventId]);
    expect(written[0]).toEqual({ orders: '0', events: '0' });
    expect((await h.call('GET', `/v1/carts/${owner.id}`, { token: r.token })).body.lines).toHaveLength(2);
    // Placing now orders the cart as it is, both lines.
    const placed = await h.call('POST', '/v1/orders', { token: r.token, body: { wholesalerId: owner.id } });
    expect(placed.status).toBe(201);
    expect(placed.body.lines.map((l: { quantity: number }) => l.quantity).sort()).toEqual([3, 4]);
  });

  it('When an Idempotency-Key claim was taken over before the order statement runs, then it writes nothing and answers idempotency-key-taken-over', async () => {
    const r = await h.account('RETAILER');
    await h.connect(r, owner);
    await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body: { varietyId: rose.varietyId, grade: 'UPPER', quantity: 2 } });
    const { em } = h.service.context();
    const key = `taken-${randomUUID()}`;
    // This request's claim, then a retry takes it over (new token), as after a lost database connection.
    const mine = await claimIdempotencyKey(em, r.id, key, 'hash', 0);
    expect('token' in mine).toBe(true);
    await em.execute(`update "${h.schema}".idempotency_keys set claim_token = ? where account_id = ? and key = ?`, [randomUUID(), r.id, key]);
    const read = await readCartForOrder(em, seoulDay(), r.id, owner.id);
    const orderId = randomUUID();
    const now = new Date();
    const order = { id: orderId, number: `taken-${orderId}`, retailerId: r.id, wholesalerId: owner.id, status: 'PLACED' as const, placement: 'MANUAL' as const, placedAt: now, saleDay: seoulDay(now), memo: null, fulfilmentMethod: 'PICKUP' as const, fulfilmentState: 'PENDING' as const, deliveryAddress: null, version: 1, pricedAt: null, cancelledAt: null, statementId: null, statementNumber: null, statementVersion: null, statementIssuedAt: null, updatedAt: now };
    const lines = read!.lines.map((l, i) => ({ id: randomUUID(), orderId, position: i + 1, kind: 'ITEM' as const, varietyId: l.varietyId, itemName: l.itemName, varietyName: l.varietyName, grade: l.grade, quantity: l.quantity, unitPrice: null, memo: null }));
    const event = outboxRecord('order.placed', orderId, { eventId: randomUUID(), occurredAt: now.getTime(), order: { orderId, orderNumber: order.number, version: 1, status: 'PLACED', placement: 'MANUAL', placedAt: now.getTime(), saleDay: order.saleDay, retailer: { id: r.id, name: read!.retailer.name, phone: null, sealedPhone: 's1.test' }, wholesaler: { id: owner.id, name: read!.wholesaler.name, phone: null, sealedPhone: 's1.test' }, memo: null, fulfilment: { method: 'PICKUP', state: 'PENDING', address: null }, lines: [], priceState: 'UNPRICED', total: 0, pricedAt: null } });
    const answer = { accountId: r.id, key, statusCode: 201, response: { id: orderId }, claimToken: (mine as { token: string }).token };
    expect(await writeOrder(em, read!, order, lines, event, answer)).toBe('claim-lost');
    const written = await em.execute(`select (select count(*) from "${h.schema}".orders where id = ?) as orders, (select count(*) from "${h.schema}".outbox where event_id = ?) as events, (select count(*) from "${h.schema}".idempotency_keys where key = ? and status_code is not null) as answers`, [orderId, event.eventId, key]);
    expect(written[0]).toEqual({ orders: '0', events: '0', answers: '0' });
    expect((await h.call('GET', `/v1/carts/${owner.id}`, { token: r.token })).body.lines).toHaveLength(1);
    // With the claim still its own, the same statement places the order and stores the answer.
    await em.execute(`update "${h.schema}".idempotency_keys set claim_token = ? where account_id = ? and key = ?`, [answer.claimToken, r.id, key]);
    expect(await writeOrder(em, read!, order, lines, event, answer)).toBe('placed');
    const after = await em.execute(`select (select count(*) from "${h.schema}".orders where id = ?) as orders, (select count(*) from "${h.schema}".idempotency_keys where key = ? and status_code = 201) as answers`, [orderId, key]);
    expect(after[0]).toEqual({ orders: '1', answers: '1' });
  });

  it('When lines are added while the cart is being ordered, then every line ends up either in the order or in the next cart, never lost', async () => {
    const r = await h.account('RETAILER');
    await h.connect(r, owner);
    await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body: { varietyId: rose.varietyId, grade: 'UPPER', quantity: 1 } });
    const extra = [
      { varietyId: rose.varietyId, grade: 'MIDDLE', quantity: 2 },
      { varietyId: rose.varietyId, grade: 'LOWER', quantity: 3 },
      { varietyId: tulip.varietyId, grade: 'UPPER', quantity: 4 },
      { varietyId: tulip.varietyId, grade: 'MIDDLE', quantity: 5 },
    ];
    const [placed, ...added] = await Promise.all([
      h.call('POST', '/v1/orders', { token: r.token, body: { wholesalerId: owner.id } }),
      ...extra.map((body) => h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body })),
    ]);
    expect(placed!.status).toBe(201);
    for (const a of added) expect(a.status).toBe(200);
    const cart = await h.call('GET', `/v1/carts/${owner.id}`, { token: r.token });
    const inOrder = placed!.body.lines.map((l: { quantity: number }) => l.quantity);
    const inCart = cart.body.lines.map((l: { quantity: number }) => l.quantity);
    expect([...inOrder, ...inCart].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('When the order statement deletes the cart while a line is being added to it, then the line lands in a new cart instead of failing', async () => {
    const r = await h.account('RETAILER');
    await h.connect(r, owner);
    await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body: { varietyId: rose.varietyId, grade: 'UPPER', quantity: 1 } });
    const carts = `"${h.schema}".carts`;
    const [before] = await h.service.context().em.execute<Array<{ id: string }>>(`select id from ${carts} where retailer_id = ?`, [r.id]);
    const addTulip = () => h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body: { varietyId: tulip.varietyId, grade: 'MIDDLE', quantity: 5 } });
    let added: ReturnType<typeof addTulip> | undefined;
    // As placing an order does: lock nothing beforehand, then delete the cart in one statement. The
    // row lock held here stands for that statement's own, so the add is caught between its insert
    // (which found the cart alive) and its lock (which finds it deleted).
    await h.service.context().em.transactional(async (em) => {
      await em.execute(`select id from ${carts} where id = ? for update`, [before!.id]);
      added = addTulip();
      await waitFor(
        async () => {
          const [w] = await h.service.context().em.execute<Array<{ n: string }>>(`select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%carts%for update%'`);
          return Number(w!.n) > 0;
        },
        { description: 'the add waiting for the cart lock' },
      );
      await em.execute(`delete from ${carts} where id = ?`, [before!.id]);
    });
    const answer = await added!;
    expect(answer.status).toBe(200);
    expect(answer.body.lines.map((l: { quantity: number }) => l.quantity)).toEqual([5]);
    const [after] = await h.service.context().em.execute<Array<{ id: string }>>(`select id from ${carts} where retailer_id = ?`, [r.id]);
    expect(after!.id).not.toBe(before!.id);
  });

  it('When the wholesaler prices lines, adds a custom line and one shipping fee, then totals follow Σ quantity × unit price and each change publishes a higher version', async () => {
    const r = await h.account('RETAILER');
    await h.connect(r, owner);
    const order = await placedOrder(r, [
      { varietyId: rose.varietyId, grade: 'UPPER', quantity: 10 },
      { varietyId: tulip.varietyId, grade: 'LOWER', quantity: 3 },
    ]);
    const suggestions = await h.call('GET', `/v1/orders/${order.id}/price-suggestions`, { token: staff.token });
    expect(suggestions.body.items[0].suggestion).toMatchObject({ unitPrice: 13_000, basis: 'GRADE', auctionGrades: ['특1'] });
    expect(suggestions.body.items[1].suggestion).toMatchObject({ unitPrice: 4_000, basis: 'ALL_GRADES' });

    const priced = await h.call('PATCH', `/v1/orders/${order.id}/prices`, { token: staff.token, body: { lines: [{ lineId: order.lines[0].id, unitPrice: 13_000 }] } });
    expect(priced.body).toMatchObject({ version: 2, priceState: 'PARTIAL', total: 130_000 });
    const custom = await h.call('POST', `/v1/orders/${order.id}/custom-lines`, { token: owner.token, body: { itemName: '포장지', quantity: 2, unitPrice: 1_500 } });
    expect(custom.status).toBe(201);
    await h.call('PUT', `/v1/orders/${order.id}/shipping-fee`, { token: owner.token, body: { amount: 5_000 } });
    const fee = await h.call('PUT', `/v1/orders/${order.id}/shipping-fee`, { token: owner.token, body: { amount: 7_000 } });
    expect(fee.body.lines.filter((l: { kind: string }) => l.kind === 'SHIPPING_FEE')).toEqual([expect.objectContaining({ itemName: '배송비', quantity: 1, unitPrice: 7_000 })]);
    const reserved = await h.call('POST', `/v1/orders/${order.id}/custom-lines`, { token: owner.token, body: { itemName: '배송비', quantity: 1 } });
    expect(reserved.status).toBe(400);
    const all = await h.call('PATCH', `/v1/orders/${order.id}/prices`, { token: owner.token, body: { lines: [{ lineId: order.lines[1].id, unitPrice: 4_000 }] } });
    expect(all.body).toMatchObject({ priceState: 'PRICED', total: 130_000 + 12_000 + 3_000 + 7_000, version: 6 });

    const updates = await h.waitForEvent('order.updated', (e) => e.order.orderId === order.id && e.order.version === 6);
    expect(updates.change).toBe('PRICES_SET');
    expect(updates.order.total).toBe(152_000);
    const versions = (await h.events('order.updated')).filter((e) => e.order.orderId === order.id).map((e) => e.order.version);
    expect(versions).toEqual([2, 3, 4, 5, 6]);
    const cancel = await h.call('POST', `/v1/orders/${order.id}/cancel`, { token: r.token });
    expect(cancel.body.code).toBe('order-priced');
  });

  it('When the retailer cancels an unpriced order, then it is cancelled and order.updated says so; changes after that are refused', async () => {
    const r = await h.account('RETAILER');
    await h.connect(r, owner);
    const order = await placedOrder(r, [{ varietyId: rose.varietyId, grade: 'MIDDLE', quantity: 1 }]);
    const cancelled = await h.call('POST', `/v1/orders/${order.id}/cancel`, { token: r.token });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', version: 2 });
    expect((await h.waitForEvent('order.updated', (e) => e.order.orderId === order.id)).change).toBe('CANCELLED');
    const price = await h.call('PATCH', `/v1/orders/${order.id}/prices`, { token: owner.token, body: { lines: [{ lineId: order.lines[0].id, unitPrice: 1 }] } });
    expect(price.body.code).toBe('order-cancelled');
  });

  it('When a daily price is set for a variety, grade and day, then every matching line of that day takes it, and later orders too', async () => {
    const r1 = await h.account('RETAILER');
    const r2 = await h.account('RETAILER');
    await h.connect(r1, owner);
    await h.connect(r2, owner);
    const o1 = await placedOrder(r1, [{ varietyId: tulip.varietyId, grade: 'UPPER', quantity: 4 }]);
    const o2 = await placedOrder(r2, [
      { varietyId: tulip.varietyId, grade: 'UPPER', quantity: 6 },
      { varietyId: rose.varietyId, grade: 'UPPER', quantity: 1 },
    ]);
    const applied = await h.call('PUT', '/v1/daily-prices', { token: staff.token, body: { day: o1.saleDay, varietyId: tulip.varietyId, grade: 'UPPER', unitPrice: 3_500 } });
    expect(applied.status).toBe(200);
    expect(applied.body.orders.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining([o1.id, o2.id]));
    const after = await h.call('GET', `/v1/orders/${o2.id}`, { token: owner.token });
    expect(after.body.lines.map((l: { unitPrice: number | null }) => l.unitPrice)).toEqual([3_500, null]);
    expect(after.body.total).toBe(21_000);
    const later = await placedOrder(r1, [{ varietyId: tulip.varietyId, grade: 'UPPER', quantity: 1 }]);
    expect(later.lines[0].unitPrice).toBe(3_500);

    const summary = await h.call('GET', `/v1/wholesaler/daily-summary?day=${o1.saleDay}`, { token: staff.token });
    expect(summary.status).toBe(200);
    const tulipRow = summary.body.pickList.find((p: { varietyId: string; grade: string }) => p.varietyId === tulip.varietyId && p.grade === 'UPPER');
    expect(tulipRow).toMatchObject({ dailyPrice: 3_500 });
    expect(tulipRow.quantity).toBeGreaterThanOrEqual(11);
    expect(summary.body.orderCount).toBeGreaterThanOrEqual(3);
  });

  it('When the wholesaler moves fulfilment on, then PENDING → READY → DELIVERED is allowed and a skip or a step back is not', async () => {
    const r = await h.account('RETAILER');
    await h.connect(r, owner);
    await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body: { varietyId: rose.varietyId, grade: 'UPPER', quantity: 1 } });
    await h.call('PATCH', `/v1/carts/${owner.id}`, { token: r.token, body: { fulfilment: { method: 'DELIVERY', address: '서울 강남구 1' } } });
    const order = (await h.call('POST', '/v1/orders', { token: r.token, body: { wholesalerId: owner.id } })).body;
    expect(order.fulfilment).toEqual({ method: 'DELIVERY', state: 'PENDING', address: '서울 강남구 1' });
    expect((await h.call('PATCH', `/v1/orders/${order.id}/fulfilment`, { token: staff.token, body: { state: 'DELIVERED' } })).body.code).toBe('fulfilment-transition-invalid');
    expect((await h.call('PATCH', `/v1/orders/${order.id}/fulfilment`, { token: staff.token, body: { state: 'READY' } })).body.fulfilment.state).toBe('READY');
    expect((await h.call('PATCH', `/v1/orders/${order.id}/fulfilment`, { token: staff.token, body: { state: 'PICKED_UP' } })).status).toBe(409);
    const done = await h.call('PATCH', `/v1/orders/${order.id}/fulfilment`, { token: staff.token, body: { state: 'DELIVERED' } });
    expect(done.body.fulfilment.state).toBe('DELIVERED');
    const event = await h.waitForEvent('order.updated', (e) => e.order.orderId === order.id && e.order.fulfilment.state === 'DELIVERED');
    expect(event.change).toBe('FULFILMENT_CHANGED');
  });

  it('When a fulfilment change names nothing, then 400; when it names what already holds, then no new version', async () => {
    const r = await h.account('RETAILER');
    await h.connect(r, owner);
    await h.call('POST', `/v1/carts/${owner.id}/lines`, { token: r.token, body: { varietyId: rose.varietyId, grade: 'UPPER', quantity: 1 } });
    const order = (await h.call('POST', '/v1/orders', { token: r.token, body: { wholesalerId: owner.id } })).body;
    const empty = await h.call('PATCH', `/v1/orders/${order.id}/fulfilment`, { token: staff.token, body: {} });
    expect([empty.status, empty.body.code]).toEqual([400, 'validation-failed']);
    const same = await h.call('PATCH', `/v1/orders/${order.id}/fulfilment`, { token: staff.token, body: { method: 'PICKUP' } });
    expect([same.status, same.body.version]).toEqual([200, order.version]);
    expect((await h.call('GET', `/v1/orders/${order.id}`, { token: r.token })).body.version).toBe(order.version);
  });

  it('When a daily price names a variety the catalog does not know, then 404 variety-not-found and nothing is stored', async () => {
    const unknown = '00000000-0000-4000-8000-00000000abcd';
    const answer = await h.call('PUT', '/v1/daily-prices', { token: owner.token, body: { day: seoulDay(new Date()), varietyId: unknown, grade: 'UPPER', unitPrice: 1_000 } });
    expect([answer.status, answer.body.code]).toEqual([404, 'variety-not-found']);
    const [row] = await query(stackEnv().DATABASE_URL, `select count(*)::int as n from "${h.schema}".daily_prices where variety_id = $1`, [unknown]);
    expect(row?.n).toBe(0);
  });
});

describe('business profile', () => {
  it('When the owner saves a profile, then the checksum is enforced, staff are refused, and wholesaler.profile.updated carries it', async () => {
    const profile = {
      businessNumber: '220-81-62517',
      companyName: '양재꽃상회',
      representative: '김꽃님',
      address: '서울특별시 서초구 강남대로 27',
      phone: '02-579-1234',
      businessType: '도소매',
      businessItem: '화훼',
      bankAccount: '농협 123-4567-8901-23 김꽃님',
    };
    const bad = await h.call('PUT', '/v1/wholesaler/profile', { token: owner.token, body: { ...profile, businessNumber: '220-81-62518' } });
    expect(bad.status).toBe(400);
    expect((await h.call('PUT', '/v1/wholesaler/profile', { token: staff.token, body: profile })).status).toBe(403);
    const saved = await h.call('PUT', '/v1/wholesaler/profile', { token: owner.token, body: profile });
    expect(saved.body.profile).toMatchObject({ businessNumber: '2208162517', version: 1 });
    const event = await h.waitForEvent('wholesaler.profile.updated', (e) => e.wholesalerId === owner.id);
    expect(event).toMatchObject({ version: 1, shopName: '양재꽃상회', ownerPhone: null, businessNumber: '2208162517', sealImageUrl: null });
    expect(h.opened.party({ id: owner.id, name: '', phone: null, sealedPhone: event.sealedOwnerPhone }).phone).toBe(owner.phone);
    expect((await h.call('GET', '/v1/wholesaler', { token: staff.token })).body.profile.companyName).toBe('양재꽃상회');
  });

  it('When a retailer saves its business profile, then the checksum is enforced, other roles are refused, and retailer.profile.updated carries it with a growing version', async () => {
    const r = await h.account('RETAILER', { name: '꿀벌원예' });
    expect((await h.call('GET', '/v1/retailer', { token: r.token })).body).toEqual({ id: r.id, name: '꿀벌원예', profile: null });
    const profile = {
      businessNumber: '120-88-00767',
      companyName: '주식회사 꿀벌원예 양재본점',
      representative: '이벌꿀',
      address: '서울특별시 서초구 강남대로 27 양재꽃시장 화훼유통센터 2층 201호',
      businessType: '도소매',
      businessItem: '화초 및 산식물 도소매업',
    };
    const bad = await h.call('PUT', '/v1/retailer/profile', { token: r.token, body: { ...profile, businessNumber: '120-88-00768' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'businessNumber' })]);
    expect((await h.call('PUT', '/v1/retailer/profile', { token: owner.token, body: profile })).status).toBe(403);
    expect((await h.call('GET', '/v1/retailer', { token: owner.token })).status).toBe(403);
    const saved = await h.call('PUT', '/v1/retailer/profile', { token: r.token, body: profile });
    expect(saved.status).toBe(200);
    expect(saved.body.profile).toMatchObject({ businessNumber: '1208800767', companyName: '주식회사 꿀벌원예 양재본점', businessItem: '화초 및 산식물 도소매업', version: 1 });
    const first = await h.waitForEvent('retailer.profile.updated', (e) => e.retailerId === r.id);
    expect(first).toMatchObject({ version: 1, businessNumber: '1208800767', representative: '이벌꿀', businessType: '도소매' });
    const again = await h.call('PUT', '/v1/retailer/profile', { token: r.token, body: { ...profile, businessType: null, businessItem: '' } });
    expect(again.body.profile).toMatchObject({ version: 2, businessType: null, businessItem: null });
    expect(await h.waitForEvent('retailer.profile.updated', (e) => e.retailerId === r.id && e.version === 2)).toMatchObject({ businessType: null, businessItem: null });
    expect((await h.call('GET', '/v1/retailer', { token: r.token })).body.profile.version).toBe(2);
  });
});
