import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { seoulDay } from '@marketbill/platform';
import { startOrdering, type OrderingHarness, type TestAccount } from '../../testing/ordering-harness';

jest.setTimeout(120_000);

let h: OrderingHarness;
let owner: TestAccount;
let retailer: TestAccount;
let rose: { varietyId: string };
let tulip: { varietyId: string };

beforeAll(async () => {
  h = await startOrdering();
  owner = await h.account('WHOLESALER_OWNER');
  retailer = await h.account('RETAILER');
  await h.connect(retailer, owner);
  rose = await h.variety('장미');
  tulip = await h.variety('튤립');
});
afterAll(async () => h?.stop());

const addLine = (varietyId: string, quantity: number, grade = 'UPPER') =>
  h.call('POST', `/v1/carts/${owner.id}/lines`, { token: retailer.token, body: { varietyId, grade, quantity } });

async function order(lines: Array<{ varietyId: string; quantity: number; grade?: string }>) {
  for (const l of lines) expect((await addLine(l.varietyId, l.quantity, l.grade)).status).toBe(200);
  const placed = await h.call('POST', '/v1/orders', { token: retailer.token, body: { wholesalerId: owner.id } });
  expect(placed.status).toBe(201);
  return placed.body as { id: string; version: number; lines: Array<{ id: string }> };
}

describe('quantity and money limits at the edge', () => {
  it('When a cart line asks for more than 1,000,000, then 422 quantity-limit-exceeded; exactly 1,000,000 is fine, also when a merge would pass it', async () => {
    expect((await addLine(rose.varietyId, 1_000_000)).status).toBe(200);
    const over = await addLine(tulip.varietyId, 1_000_001);
    expect([over.status, over.body.code, over.body.limit]).toEqual([422, 'quantity-limit-exceeded', 1_000_000]);
    // Moving a line's grade onto another line of the variety adds the quantities.
    const lower = await addLine(rose.varietyId, 5, 'LOWER');
    const lineId = lower.body.lines.find((l: { grade: string }) => l.grade === 'LOWER').id;
    const merged = await h.call('PATCH', `/v1/carts/${owner.id}/lines/${lineId}`, { token: retailer.token, body: { grade: 'UPPER' } });
    expect([merged.status, merged.body.code]).toEqual([422, 'quantity-limit-exceeded']);
    await h.call('DELETE', `/v1/carts/${owner.id}`, { token: retailer.token });
  });

  it('When a unit price is over 100,000,000, then 422 unit-price-limit-exceeded and the order keeps its version', async () => {
    const placed = await order([{ varietyId: rose.varietyId, quantity: 1 }]);
    const lineId = placed.lines[0]?.id;
    const over = await h.call('PATCH', `/v1/orders/${placed.id}/prices`, { token: owner.token, body: { lines: [{ lineId, unitPrice: 100_000_001 }] } });
    expect([over.status, over.body.code]).toEqual([422, 'unit-price-limit-exceeded']);
    const fee = await h.call('PUT', `/v1/orders/${placed.id}/shipping-fee`, { token: owner.token, body: { amount: 100_000_001 } });
    expect([fee.status, fee.body.code]).toEqual([422, 'unit-price-limit-exceeded']);
    const custom = await h.call('POST', `/v1/orders/${placed.id}/custom-lines`, { token: owner.token, body: { itemName: '포장', quantity: 1, unitPrice: 100_000_001 } });
    expect([custom.status, custom.body.code]).toEqual([422, 'unit-price-limit-exceeded']);
    const daily = await h.call('PUT', '/v1/daily-prices', { token: owner.token, body: { day: seoulDay(new Date()), varietyId: rose.varietyId, grade: 'UPPER', unitPrice: 100_000_001 } });
    expect([daily.status, daily.body.code]).toEqual([422, 'unit-price-limit-exceeded']);
    expect((await h.call('GET', `/v1/orders/${placed.id}`, { token: owner.token })).body.version).toBe(placed.version);
    const ok = await h.call('PATCH', `/v1/orders/${placed.id}/prices`, { token: owner.token, body: { lines: [{ lineId, unitPrice: 100_000_000 }] } });
    expect([ok.status, ok.body.total]).toEqual([200, 100_000_000]);
  });

  it('When prices would take an order past 9,999,999,999,999 won, then 422 order-total-limit-exceeded and nothing changes; the limit itself is accepted', async () => {
    const placed = await order([
      { varietyId: rose.varietyId, quantity: 99_999 },
      { varietyId: tulip.varietyId, quantity: 1_000_000 },
    ]);
    const [first, second] = placed.lines.map((l) => l.id);
    // 99,999 × 100,000,000 + 1,000,000 × 99 = 9,999,999,000,000; a shipping fee of 999,999 makes it the limit exactly.
    const priced = await h.call('PATCH', `/v1/orders/${placed.id}/prices`, { token: owner.token, body: { lines: [{ lineId: first, unitPrice: 100_000_000 }, { lineId: second, unitPrice: 99 }] } });
    expect([priced.status, priced.body.total]).toEqual([200, 9_999_999_000_000]);
    const atLimit = await h.call('PUT', `/v1/orders/${placed.id}/shipping-fee`, { token: owner.token, body: { amount: 999_999 } });
    expect([atLimit.status, atLimit.body.total]).toEqual([200, 9_999_999_999_999]);
    const over = await h.call('PUT', `/v1/orders/${placed.id}/shipping-fee`, { token: owner.token, body: { amount: 1_000_000 } });
    expect([over.status, over.body.code]).toEqual([422, 'order-total-limit-exceeded']);
    const custom = await h.call('POST', `/v1/orders/${placed.id}/custom-lines`, { token: owner.token, body: { itemName: '포장', quantity: 1, unitPrice: 1 } });
    expect(custom.body.code).toBe('order-total-limit-exceeded');
    const after = await h.call('GET', `/v1/orders/${placed.id}`, { token: owner.token });
    expect([after.body.version, after.body.total]).toEqual([atLimit.body.version, 9_999_999_999_999]);
    await h.waitForEvent('order.updated', (e) => e.order.orderId === placed.id && e.order.version === atLimit.body.version);
    const updates = (await h.events('order.updated')).filter((e) => e.order.orderId === placed.id);
    expect(updates.map((e) => e.order.version)).toEqual([priced.body.version, atLimit.body.version]);
  });

  it('When a payment is over 9,999,999,999,999 won, then 422 payment-limit-exceeded before billing is asked', async () => {
    const over = await h.call('POST', '/v1/payments', { token: owner.token, body: { retailerId: retailer.id, amount: 10_000_000_000_000 } });
    expect([over.status, over.body.code]).toEqual([422, 'payment-limit-exceeded']);
  });
});
