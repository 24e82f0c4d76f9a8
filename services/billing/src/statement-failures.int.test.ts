import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Actor } from '@marketbill/schemas';
import { query, stackEnv, waitFor } from '@marketbill/testing';
import { createStatementRenderer } from './clients/statement-pdf/statement-renderer';
import { resumeReservedStatements } from './use-cases/resume-reserved-statements';
import { newId, startBilling, type BillingHarness } from './testing/billing-harness';
import { startFaultyS3Proxy, type FaultyS3Proxy } from './testing/faulty-s3-proxy';
import { line, orderUpdated, profileUpdated, snapshot } from './testing/ordering-events';
import { pdfText, squeeze } from './testing/pdf-tools';

jest.setTimeout(120_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies in assertions

let h: BillingHarness;
let proxy: FaultyS3Proxy;
const databaseUrl = () => process.env.DATABASE_URL as string;
const owner = (w: string): Actor => ({ accountId: w, role: 'WHOLESALER_OWNER', wholesalerId: w });

beforeAll(async () => {
  proxy = await startFaultyS3Proxy(stackEnv().S3_ENDPOINT);
  // The resume job is left idle (long interval): these tests run it by hand, at the moments they choose.
  h = await startBilling({ S3_ENDPOINT: proxy.url, STATEMENT_RESUME_INTERVAL_SECONDS: '3600', STATEMENT_DOWNLOAD_TTL_SECONDS: '2', STATEMENT_RENDER_WORKERS: '1' });
});

afterAll(async () => {
  await h?.stop();
  await proxy?.close();
});

async function pricedOrder(w: string, r: string, quantity = 10, unitPrice = 13_000): Promise<string> {
  const order = snapshot({ wholesaler: { id: w }, retailer: { id: r }, version: 2, lines: [line({ quantity, unitPrice })] });
  await h.produce('order.updated', order.orderId, orderUpdated(order));
  await waitFor(async () => (await query(databaseUrl(), `select 1 from "${h.schema}".order_sheet where order_id = $1`, [order.orderId])).length === 1, {
    timeoutMs: 60_000,
  });
  return order.orderId;
}

async function pair(): Promise<{ w: string; r: string }> {
  const w = newId();
  await h.produce('wholesaler.profile.updated', w, profileUpdated(w));
  await waitFor(async () => (await query(databaseUrl(), `select 1 from "${h.schema}".wholesaler_profile where wholesaler_id = $1`, [w])).length === 1, {
    timeoutMs: 60_000,
  });
  return { w, r: newId() };
}

async function statementRows(w: string) {
  return query<{ id: string; status: string; attempts: number; storage_waits: number; number: string }>(
    databaseUrl(),
    `select id, status, attempts, storage_waits, number from "${h.schema}".statement where wholesaler_id = $1 order by reserved_at`,
    [w],
  );
}

async function ledgerEntries(w: string): Promise<number> {
  const [row] = await query<{ n: string }>(databaseUrl(), `select count(*) as n from "${h.schema}".ledger_entry where wholesaler_id = $1`, [w]);
  return Number(row?.n);
}

async function pendingEvents(): Promise<number> {
  const [row] = await query<{ n: string }>(databaseUrl(), `select count(*) as n from "${h.schema}".outbox where topic = 'statement.issued'`);
  return Number(row?.n);
}

describe('when storing the PDF fails', () => {
  it('When the upload fails, then nothing is issued, charged or announced, and a retry with the same key issues it under the same number', async () => {
    const { w, r } = await pair();
    const orderId = await pricedOrder(w, r);
    const events = await h.read(`${h.prefix}statement.issued`);
    const key = `k-${newId()}`;
    proxy.mode = 'fail-uploads';
    const failed = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [orderId] }, headers: { 'Idempotency-Key': key } });
    expect([failed.status, failed.body.code]).toEqual([503, 'statement-storage-unavailable']);
    expect((await h.call<Json>('GET', '/statements', { actor: owner(w) })).body.total).toBe(0);
    expect(await ledgerEntries(w)).toBe(0);
    expect(await pendingEvents()).toBe(0);
    const [reserved] = await statementRows(w);
    // The store failed, not the statement: the wait is recorded, the attempt does not count.
    expect(reserved).toMatchObject({ status: 'RESERVED', attempts: 0, storage_waits: 1 });
    expect(failed.headers.get('retry-after')).toBe('5');

    proxy.mode = 'pass';
    const retried = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [orderId] }, headers: { 'Idempotency-Key': key } });
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe(reserved!.id);
    expect(retried.body.number).toBe(reserved!.number);
    expect(retried.body.number.endsWith('-00001')).toBe(true);
    expect(await ledgerEntries(w)).toBe(1);
    const issued = await events.waitForCount(1, 60_000);
    expect(issued.filter((m) => m.key === reserved!.id)).toHaveLength(1);
  });

  it('When the connection drops during the upload and the owner simply asks again, then the same reservation is resumed', async () => {
    const { w, r } = await pair();
    const orderId = await pricedOrder(w, r);
    proxy.mode = 'drop-uploads';
    const failed = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [orderId] } });
    expect(failed.status).toBe(503);
    proxy.mode = 'pass';
    const again = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [orderId] } });
    expect(again.status).toBe(201);
    const rows = await statementRows(w);
    expect(rows).toEqual([expect.objectContaining({ id: again.body.id, status: 'ISSUED' })]);
  });

  it('When a failed issue is left alone, then the resume job issues it once storage is back, and the pair waits for it meanwhile', async () => {
    const { w, r } = await pair();
    const first = await pricedOrder(w, r, 10, 10_000);
    const second = await pricedOrder(w, r, 1, 5_000);
    proxy.mode = 'fail-uploads';
    expect((await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [first] } })).status).toBe(503);
    const blocked = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [second] } });
    expect([blocked.status, blocked.body.code]).toEqual([409, 'statement-in-progress']);

    proxy.mode = 'pass';
    const outcome = await resumeReservedStatements(h.service.deps, { maxAttempts: 5 });
    const [row] = await statementRows(w);
    expect(outcome.issued).toContain(row!.id);
    expect(row!.status).toBe('ISSUED');
    const next = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [second] } });
    expect(next.status).toBe(201);
    expect(next.body).toMatchObject({ previousBalance: 100_000, total: 5_000, balance: 105_000 });
  });

  it('When storage stays down through more attempts than the limit, then no number is burned: the resume job issues the statement under its number once storage is back', async () => {
    const { w, r } = await pair();
    const orderId = await pricedOrder(w, r);
    proxy.mode = 'fail-uploads';
    expect((await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [orderId] } })).status).toBe(503);
    const [reserved] = await statementRows(w);
    for (let attempt = 2; attempt <= 5; attempt++) {
      const outcome = await resumeReservedStatements(h.service.deps, { maxAttempts: 3 });
      expect(outcome.failed).toContain(reserved!.id);
      expect(outcome.released).not.toContain(reserved!.id);
    }
    expect((await statementRows(w))[0]).toMatchObject({ status: 'RESERVED', attempts: 0, storage_waits: 5 });

    proxy.mode = 'pass';
    const outcome = await resumeReservedStatements(h.service.deps, { maxAttempts: 3 });
    expect(outcome.issued).toContain(reserved!.id);
    expect((await statementRows(w))[0]).toMatchObject({ id: reserved!.id, status: 'ISSUED', number: reserved!.number });
    expect(await ledgerEntries(w)).toBe(1);
    // The next statement takes the next number: none was skipped.
    const next = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [await pricedOrder(w, r)] } });
    expect(next.status).toBe(201);
    expect(Number(next.body.number.split('-')[1])).toBe(Number(reserved!.number.split('-')[1]) + 1);
  });

  it('When rendering fails, then the reservation is undone at once: no retries burn attempts, the orders can be issued again and no number is skipped', async () => {
    const { w, r } = await pair();
    const orderId = await pricedOrder(w, r);
    proxy.mode = 'pass';
    // A real renderer that cannot finish in time: every render fails, as a statement whose content
    // breaks the renderer would. The content is frozen, so another attempt would fail the same way.
    const working = h.service.deps.renderer;
    const failing = createStatementRenderer({ workers: 1, timeoutMs: 1, fonts: {}, logger: h.service.runtime.logger });
    h.service.deps.renderer = failing;
    try {
      const refused = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [orderId] } });
      expect(refused.status).toBe(500);
      expect(refused.body.code).toBe('statement-render-failed');
      // Nothing left reserved for the resume job to retry, and the pair is free.
      expect(await statementRows(w)).toHaveLength(0);

      h.service.deps.renderer = working;
      const fresh = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [orderId] } });
      expect(fresh.status).toBe(201);
      // The wholesaler's first statement of the period keeps the first number: the failed one gave it back.
      expect(fresh.body.number).toMatch(/-00001$/);
      expect(await ledgerEntries(w)).toBe(1);
    } finally {
      h.service.deps.renderer = working;
      await failing.close();
    }
  });

  it('When the download link is used, then it serves the exact PDF, and it stops working once it expires', async () => {
    const { w, r } = await pair();
    const orderId = await pricedOrder(w, r);
    proxy.mode = 'pass';
    const issued = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [orderId] } });
    const link = await h.call<Json>('GET', `/statements/${issued.body.id}/download`, { actor: owner(w) });
    expect(new Date(link.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(2_000);
    const response = await fetch(link.body.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toContain("filename*=UTF-8''%EA%B1%B0%EB%9E%98%EB%AA%85%EC%84%B8%EC%84%9C_");
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(squeeze(pdfText(pdf))).toContain(issued.body.number);
    await waitFor(async () => (await fetch(link.body.url)).status === 403, { timeoutMs: 15_000, intervalMs: 500, description: 'the link to expire' });
  });
});
