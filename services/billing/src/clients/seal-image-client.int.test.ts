import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Actor } from '@marketbill/schemas';
import { createLogger } from '@marketbill/platform';
import { query, waitFor } from '@marketbill/testing';
import { newId, startBilling, type BillingHarness } from '../testing/billing-harness';
import { startImageHost, type ImageHost } from '../testing/image-host';
import { line, orderUpdated, profileUpdated, snapshot } from '../testing/ordering-events';
import { pdfImageCount, pdfText, squeeze } from '../testing/pdf-tools';
import { createSealImageClient } from './seal-image-client';

jest.setTimeout(120_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies in assertions

let h: BillingHarness;
let host: ImageHost;
const TIMEOUT_MS = 600;
const databaseUrl = () => process.env.DATABASE_URL as string;
const owner = (w: string): Actor => ({ accountId: w, role: 'WHOLESALER_OWNER', wholesalerId: w });

beforeAll(async () => {
  host = await startImageHost();
  // Rendering on a worker thread here, so the seal bytes also cross the thread boundary.
  h = await startBilling({ SEAL_FETCH_TIMEOUT_MS: String(TIMEOUT_MS), SEAL_MAX_BYTES: String(512 * 1024), STATEMENT_RENDER_WORKERS: '1' });
});

afterAll(async () => {
  await h?.stop();
  await host?.close();
});

/** Issues a one-line statement for a wholesaler whose profile names `sealImageUrl`; returns the PDF and the time taken. */
async function issueWithSeal(sealImageUrl: string): Promise<{ pdf: Buffer; ms: number }> {
  const w = newId();
  await h.produce('wholesaler.profile.updated', w, profileUpdated(w, { sealImageUrl }));
  const order = snapshot({ wholesaler: { id: w }, retailer: { id: newId() }, version: 2, lines: [line({ quantity: 1, unitPrice: 10_000 })] });
  await h.produce('order.updated', order.orderId, orderUpdated(order));
  await waitFor(
    async () =>
      (await query(databaseUrl(), `select 1 from "${h.schema}".order_sheet where order_id = $1`, [order.orderId])).length === 1 &&
      (await query(databaseUrl(), `select 1 from "${h.schema}".wholesaler_profile where wholesaler_id = $1`, [w])).length === 1,
    { timeoutMs: 60_000 },
  );
  const started = Date.now();
  const issued = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [order.orderId] } });
  const ms = Date.now() - started;
  expect(issued.status).toBe(201);
  const link = await h.call<Json>('GET', `/statements/${issued.body.id}/download`, { actor: owner(w) });
  const pdf = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
  expect(squeeze(pdfText(pdf))).toContain('일금일만원정');
  return { pdf, ms };
}

describe('the seal image on statements', () => {
  it('When the wholesaler has a PNG seal, then it is printed on the statement', async () => {
    const { pdf } = await issueWithSeal(host.url('/seal.png'));
    expect(pdfImageCount(pdf)).toBe(1);
  });

  it('When the seal is a JPEG, then it is printed as well', async () => {
    const { pdf } = await issueWithSeal(host.url('/seal.jpg'));
    expect(pdfImageCount(pdf)).toBe(1);
  });

  it.each([
    ['slow to answer', '/slow.png'],
    ['trickling bytes past the time limit', '/trickle.png'],
    ['larger than the size limit', '/huge.png'],
    ['larger than the limit without a length', '/huge-chunked.png'],
    ['a GIF served as image/png', '/seal.gif'],
    ['missing (404)', '/missing.png'],
    ['a PNG whose pixels do not decode', '/corrupt.png'],
    ['a PNG claiming 30000×30000 pixels', '/bomb.png'],
    ['a redirect', '/redirect.png'],
  ])('When the seal host is %s, then the statement is issued without the seal, in bounded time', async (_case, path) => {
    const { pdf, ms } = await issueWithSeal(host.url(path));
    expect(pdfImageCount(pdf)).toBe(0);
    expect(ms).toBeLessThan(TIMEOUT_MS + 4_000);
  });

  it('When the seal URL is not http(s), then it is not fetched and the statement is issued', async () => {
    const { pdf } = await issueWithSeal('file:///etc/passwd');
    expect(pdfImageCount(pdf)).toBe(0);
  });
});

describe('the seal fetcher guards', () => {
  const logger = createLogger({ service: 'seal-test', level: 'silent' });

  it('When private addresses are not allowed, then a seal on a loopback host is refused without a request', async () => {
    const client = createSealImageClient({ timeoutMs: 1_000, maxBytes: 1_048_576, cacheSeconds: 0, allowPrivateNetwork: false, logger });
    const before = host.hits.get('/seal.png') ?? 0;
    expect(await client.fetch(host.url('/seal.png'))).toBeUndefined();
    expect(await client.fetch(host.url('/seal.png').replace('127.0.0.1', 'localhost'))).toBeUndefined();
    expect(host.hits.get('/seal.png') ?? 0).toBe(before);
  });

  it('When a seal URL failed a moment ago, then the cached failure is reused instead of waiting again', async () => {
    const client = createSealImageClient({ timeoutMs: 300, maxBytes: 1_048_576, cacheSeconds: 60, allowPrivateNetwork: true, logger });
    const url = host.url(`/missing.png?cache=${newId()}`);
    const before = host.hits.get('/missing.png') ?? 0;
    const results = await Promise.all([client.fetch(url), client.fetch(url), client.fetch(url)]);
    expect(results).toEqual([undefined, undefined, undefined]);
    expect(await client.fetch(url)).toBeUndefined();
    expect((host.hits.get('/missing.png') ?? 0) - before).toBe(1);
    const good = await client.fetch(host.url('/seal.png'));
    expect(good?.type).toBe('png');
  });
});
