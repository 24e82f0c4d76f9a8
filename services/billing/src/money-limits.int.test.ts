import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Actor } from '@marketbill/schemas';
import { query, waitFor } from '@marketbill/testing';
import { newId, startBilling, type BillingHarness } from './testing/billing-harness';
import { line, orderUpdated, profileUpdated, snapshot } from './testing/ordering-events';

jest.setTimeout(120_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies in assertions

const LIMIT = 9_999_999_999_999;
/** One order sheet near the limit: 99,999 × 100,000,000. */
const NEAR = 9_999_900_000_000;
let h: BillingHarness;
// A second billing on its own schema whose renderer gives up after 1 ms: every render fails for real.
let slow: BillingHarness;
const databaseUrl = () => process.env.DATABASE_URL as string;
const owner = (w: string): Actor => ({ accountId: w, role: 'WHOLESALER_OWNER', wholesalerId: w });

beforeAll(async () => {
  h = await startBilling();
  slow = await startBilling({ STATEMENT_RENDER_WORKERS: '1', STATEMENT_RENDER_TIMEOUT_MS: '1', STATEMENT_RESUME_INTERVAL_SECONDS: '3600' });
});
afterAll(async () => {
  await h?.stop();
  await slow?.stop();
});

async function seen(b: BillingHarness, table: string, column: string, id: string): Promise<void> {
  await waitFor(async () => (await query(databaseUrl(), `select 1 from "${b.schema}".${table} where ${column} = $1`, [id])).length === 1, { timeoutMs: 60_000 });
}

async function pair(b: BillingHarness): Promise<{ w: string; r: string }> {
  const w = newId();
  await b.produce('wholesaler.profile.updated', w, profileUpdated(w));
  await seen(b, 'wholesaler_profile', 'wholesaler_id', w);
  return { w, r: newId() };
}

/** A priced order sheet of `lines` lines, each quantity × unitPrice. */
async function pricedOrder(b: BillingHarness, w: string, r: string, quantity: number, unitPrice: number, lines = 1): Promise<string> {
  const order = snapshot({ wholesaler: { id: w }, retailer: { id: r }, version: 2, lines: Array.from({ length: lines }, () => line({ quantity, unitPrice })) });
  await b.produce('order.updated', order.orderId, orderUpdated(order));
  await seen(b, 'order_sheet', 'order_id', order.orderId);
  return order.orderId;
}

describe('money limits in billing', () => {
  it('When a statement would take the balance past the limit (just under 10^13), then 422 balance-limit-exceeded, no number is taken and the pair is not held', async () => {
    const { w, r } = await pair(h);
    // Two order sheets near the limit each: each within every limit, together far past it.
    const first = await pricedOrder(h, w, r, 99_999, 100_000_000);
    const second = await pricedOrder(h, w, r, 99_999, 100_000_000);
    const issued = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [first] } });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ number: expect.stringMatching(/-00001$/), total: NEAR, balance: NEAR });

    const refused = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [second] } });
    expect([refused.status, refused.body.code]).toEqual([422, 'balance-limit-exceeded']);
    const rows = await query(databaseUrl(), `select status from "${h.schema}".statement where wholesaler_id = $1`, [w]);
    expect(rows.map((x) => x.status)).toEqual(['ISSUED']);

    // The retailer pays; the same statement now goes through with the next number, no gap.
    const paid = await h.call<Json>('POST', '/payments', { actor: owner(w), body: { retailerId: r, amount: NEAR } });
    expect(paid.status).toBe(201);
    const again = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [second] } });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ number: expect.stringMatching(/-00002$/), previousBalance: NEAR, payments: NEAR, total: NEAR, balance: NEAR });
  });

  it('When a payment is over the limit or would leave a credit past it, then 422 and the ledger is untouched', async () => {
    const { w, r } = await pair(h);
    await pricedOrder(h, w, r, 1, 1_000);
    const tooLarge = await h.call<Json>('POST', '/payments', { actor: owner(w), body: { retailerId: r, amount: LIMIT + 1 } });
    expect([tooLarge.status, tooLarge.body.code]).toEqual([422, 'payment-limit-exceeded']);
    expect((await h.call<Json>('POST', '/payments', { actor: owner(w), body: { retailerId: r, amount: LIMIT } })).status).toBe(201);
    const credit = await h.call<Json>('POST', '/payments', { actor: owner(w), body: { retailerId: r, amount: 1 } });
    expect([credit.status, credit.body.code]).toEqual([422, 'balance-limit-exceeded']);
    const ledger = await h.call<Json>('GET', `/ledger?retailerId=${r}`, { actor: owner(w) });
    expect(ledger.body.balance).toBe(-LIMIT);
    expect(ledger.body.entries).toHaveLength(1);
  });

  it('When an order sheet breaks the limits, then it is dead-lettered and never stated', async () => {
    const { w, r } = await pair(h);
    const over = snapshot({ wholesaler: { id: w }, retailer: { id: r }, version: 2, lines: [line({ quantity: 1, unitPrice: 100_000_001 })] });
    const dlq = await h.read(`${h.prefix}order.updated.dlq`);
    await h.produce('order.updated', over.orderId, orderUpdated(over));
    await waitFor(async () => dlq.messages.find((m) => m.key?.toString() === over.orderId), { timeoutMs: 60_000, description: 'the order over the limit in the dead-letter topic' });
    expect(await query(databaseUrl(), `select 1 from "${h.schema}".order_sheet where order_id = $1`, [over.orderId])).toHaveLength(0);
  });
});

describe('a statement that cannot be rendered', () => {
  it('When rendering fails, then the issue is undone: no reservation holds the pair and the number is not used up', async () => {
    const { w, r } = await pair(slow);
    const a = await pricedOrder(slow, w, r, 3, 10_000);
    const b = await pricedOrder(slow, w, r, 4, 10_000);
    const failed = await slow.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [a] }, headers: { 'Idempotency-Key': `k-${newId()}` } });
    expect([failed.status, failed.body.code]).toEqual([500, 'statement-render-failed']);
    // Not "statement-in-progress" for the pair's next statement: it meets the same failure on its own.
    const next = await slow.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [b] } });
    expect([next.status, next.body.code]).toEqual([500, 'statement-render-failed']);
    expect(await query(databaseUrl(), `select 1 from "${slow.schema}".statement where wholesaler_id = $1`, [w])).toHaveLength(0);
    expect(await query(databaseUrl(), `select 1 from "${slow.schema}".statement_order where wholesaler_id = $1`, [w])).toHaveLength(0);
    const [account] = await query(databaseUrl(), `select statement_in_flight from "${slow.schema}".ledger_account where wholesaler_id = $1`, [w]);
    expect(account?.statement_in_flight).toBeNull();
    // The counter is back where it was: the next statement that renders gets number 1.
    const counters = await query<{ last_value: number }>(databaseUrl(), `select last_value from "${slow.schema}".statement_counter where wholesaler_id = $1`, [w]);
    expect(counters.map((c) => c.last_value)).toEqual([0]);
  });
});
