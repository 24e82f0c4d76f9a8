import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import type { Actor, OrderSnapshot, StatementIssued } from '@marketbill/schemas';
import { query, waitFor } from '@marketbill/testing';
import { newId, startBilling, type BillingHarness } from './testing/billing-harness';
import { line, orderPlaced, orderUpdated, profileUpdated, retailerProfileUpdated, snapshot } from './testing/ordering-events';
import { pagePixels, pdfFonts, pdfInfo, pdfRawText, pdfText, squeeze } from './testing/pdf-tools';

jest.setTimeout(120_000);

let h: BillingHarness;
const env = () => process.env.DATABASE_URL as string;

const owner = (w: string): Actor => ({ accountId: w, role: 'WHOLESALER_OWNER', wholesalerId: w });
const staff = (w: string): Actor => ({ accountId: newId(), role: 'WHOLESALER_STAFF', wholesalerId: w });
const retailerActor = (r: string): Actor => ({ accountId: r, role: 'RETAILER' });
const admin: Actor = { accountId: newId(), role: 'ADMIN' };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies in assertions

beforeAll(async () => {
  h = await startBilling();
});

afterAll(async () => {
  await h?.stop();
});

async function orderVersion(orderId: string): Promise<number | undefined> {
  const rows = await query<{ version: number }>(env(), `select version from "${h.schema}".order_sheet where order_id = $1`, [orderId]);
  return rows[0]?.version;
}

async function profileVersion(wholesalerId: string): Promise<number | undefined> {
  const rows = await query<{ version: number }>(env(), `select version from "${h.schema}".wholesaler_profile where wholesaler_id = $1`, [wholesalerId]);
  return rows[0]?.version;
}

async function retailerProfileVersion(retailerId: string): Promise<number | undefined> {
  const rows = await query<{ version: number }>(env(), `select version from "${h.schema}".retailer_profile where retailer_id = $1`, [retailerId]);
  return rows[0]?.version;
}

/** A wholesaler with a business profile, and a retailer. */
async function pair(profile: Parameters<typeof profileUpdated>[1] = {}): Promise<{ w: string; r: string }> {
  const w = newId();
  const r = newId();
  await h.produce('wholesaler.profile.updated', w, profileUpdated(w, profile));
  await waitFor(async () => (await profileVersion(w)) === (profile.version ?? 1), { description: 'profile recorded', timeoutMs: 60_000 });
  return { w, r };
}

/** Places an order (v1, unpriced) and prices it (v2), as ordering would, and waits for billing to hold v2. */
async function pricedOrder(w: string, r: string, lines = [line({ quantity: 10, unitPrice: 13_000 })], extra: Partial<Parameters<typeof snapshot>[0]> = {}): Promise<OrderSnapshot> {
  const placed = snapshot({ wholesaler: { id: w }, retailer: { id: r }, lines: lines.map((l) => ({ ...l, unitPrice: null, amount: null })), ...extra, version: 1 });
  await h.produce('order.placed', placed.orderId, orderPlaced(placed));
  const priced = snapshot({ ...extra, orderId: placed.orderId, orderNumber: placed.orderNumber, wholesaler: { id: w }, retailer: { id: r }, lines, version: 2 });
  await h.produce('order.updated', priced.orderId, orderUpdated(priced));
  await waitFor(async () => (await orderVersion(priced.orderId)) === 2, { description: 'order v2 recorded', timeoutMs: 60_000 });
  return priced;
}

async function download(statementId: string, actor: Actor): Promise<Buffer> {
  const link = await h.call<Json>('GET', `/statements/${statementId}/download`, { actor });
  expect(link.status).toBe(200);
  const response = await fetch(link.body.url as string);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

/** Rows a refused issue must not leave behind. */
async function billingRows(): Promise<{ statements: number; claimedOrders: number; ledger: number }> {
  const count = async (table: string) => Number((await query<{ n: string }>(env(), `select count(*) as n from "${h.schema}".${table}`))[0]?.n);
  return { statements: await count('statement'), claimedOrders: await count('statement_order'), ledger: await count('ledger_entry') };
}

describe('billing consumes order events', () => {
  it('When order events arrive out of order and twice, then billing keeps the highest version and ignores the rest', async () => {
    const { w, r } = await pair();
    const v1 = snapshot({ wholesaler: { id: w }, retailer: { id: r }, lines: [line({ quantity: 5, unitPrice: null })] });
    const v3 = snapshot({ ...v1, wholesaler: { id: w }, retailer: { id: r }, version: 3, lines: [line({ lineId: v1.lines[0]!.lineId, quantity: 5, unitPrice: 9_000 })] });
    const v2 = snapshot({ ...v1, wholesaler: { id: w }, retailer: { id: r }, version: 2, lines: [line({ lineId: v1.lines[0]!.lineId, quantity: 5, unitPrice: 7_000 })] });
    const v3event = orderUpdated(v3);
    await h.produce('order.updated', v1.orderId, v3event);
    await h.produce('order.placed', v1.orderId, orderPlaced(v1));
    await h.produce('order.updated', v1.orderId, orderUpdated(v2));
    await h.produce('order.updated', v1.orderId, v3event);
    const marker = snapshot({ wholesaler: { id: w }, retailer: { id: r }, orderId: v1.orderId, orderNumber: v1.orderNumber, version: 4, lines: v3.lines });
    // Everything before this event on the same key has been handled once it shows up.
    await h.produce('order.updated', v1.orderId, orderUpdated(marker, 'FULFILMENT_CHANGED'));
    await waitFor(async () => (await orderVersion(v1.orderId)) === 4, { description: 'v4 recorded', timeoutMs: 60_000 });
    const [row] = await query<{ lines: Array<{ unitPrice: number }> }>(env(), `select lines from "${h.schema}".order_sheet where order_id = $1`, [v1.orderId]);
    expect(row?.lines[0]?.unitPrice).toBe(9_000);
    expect(h.service.runtime.messaging?.subscriber?.stats().duplicates).toBeGreaterThanOrEqual(1);
  });

  it('When a profile update arrives after a newer one, then the newer profile stays', async () => {
    const { w } = await pair({ version: 3, companyName: '새상호' });
    await h.produce('wholesaler.profile.updated', w, profileUpdated(w, { version: 2, companyName: '옛상호' }));
    await h.produce('wholesaler.profile.updated', w, profileUpdated(w, { version: 4, companyName: '최신상호' }));
    await waitFor(async () => (await profileVersion(w)) === 4, { description: 'v4 profile', timeoutMs: 60_000 });
    const [row] = await query<{ company_name: string }>(env(), `select company_name from "${h.schema}".wholesaler_profile where wholesaler_id = $1`, [w]);
    expect(row?.company_name).toBe('최신상호');
  });

  it('When retailer profile updates arrive out of order, then the newest version stays', async () => {
    const r = newId();
    await h.produce('retailer.profile.updated', r, retailerProfileUpdated(r, { version: 3, companyName: '꿀벌원예 새상호' }));
    await h.produce('retailer.profile.updated', r, retailerProfileUpdated(r, { version: 2, companyName: '옛상호' }));
    await h.produce('retailer.profile.updated', r, retailerProfileUpdated(r, { version: 4, companyName: '주식회사 꿀벌원예 양재본점', businessType: null }));
    await waitFor(async () => (await retailerProfileVersion(r)) === 4, { description: 'v4 retailer profile', timeoutMs: 60_000 });
    const [row] = await query<{ company_name: string; business_type: string | null }>(env(), `select company_name, business_type from "${h.schema}".retailer_profile where retailer_id = $1`, [r]);
    expect(row).toEqual({ company_name: '주식회사 꿀벌원예 양재본점', business_type: null });
  });

  it.each([
    ['order.placed' as const, 'invalid-event-content'],
    ['order.updated' as const, 'invalid-event-content'],
    ['wholesaler.profile.updated' as const, 'invalid-event-content'],
    ['retailer.profile.updated' as const, 'invalid-event-content'],
  ])('When a poisoned %s message arrives, then it is dead-lettered with its reason and the next message is processed', async (topic, code) => {
    const { w, r } = await pair();
    const dlq = await h.read(`${h.prefix}${topic}.dlq`);
    const good = snapshot({ wholesaler: { id: w }, retailer: { id: r }, lines: [line({ quantity: 2, unitPrice: 1_000 })] });
    await h.produceRaw(topic, newId(), Buffer.from('not avro'));
    if (topic === 'wholesaler.profile.updated') {
      await h.produce(topic, w, profileUpdated('not-a-uuid', { version: 9 }));
      await h.produce(topic, w, profileUpdated(w, { version: 2 }));
      await waitFor(async () => (await profileVersion(w)) === 2, { description: 'the good profile after the poisoned ones', timeoutMs: 60_000 });
    } else if (topic === 'retailer.profile.updated') {
      // A blank 상호 could not be printed: refused, never stored.
      await h.produce(topic, r, retailerProfileUpdated(r, { version: 5, companyName: '  ' }));
      await h.produce(topic, r, retailerProfileUpdated(r, { version: 1 }));
      await waitFor(async () => (await retailerProfileVersion(r)) === 1, { description: 'the good retailer profile after the poisoned ones', timeoutMs: 60_000 });
    } else {
      // amount ≠ quantity × unitPrice breaks the money rule: never stated with a wrong total.
      const bad = snapshot({ wholesaler: { id: w }, retailer: { id: r }, lines: [{ ...line({ quantity: 2, unitPrice: 1_000 }), amount: 5 }] });
      const event = topic === 'order.placed' ? orderPlaced(bad) : orderUpdated(bad);
      await h.produce(topic, bad.orderId, event as never);
      await h.produce(topic, good.orderId, (topic === 'order.placed' ? orderPlaced(good) : orderUpdated(good)) as never);
      await waitFor(async () => (await orderVersion(good.orderId)) === 1, { description: 'the good order after the poisoned ones', timeoutMs: 60_000 });
      expect(await orderVersion(bad.orderId)).toBeUndefined();
    }
    const dead = await dlq.waitForCount(2, 60_000);
    expect(dead.map((m) => m.headers['dlq-error-code']).sort()).toEqual([code, 'undecodable-message'].sort());
    expect(dead.every((m) => m.headers['dlq-consumer-group'] === `${h.prefix}billing`)).toBe(true);
  });
});

describe('issuing a statement', () => {
  it('When the owner issues one priced order sheet, then the statement is stored as a Korean PDF, charged to the ledger and announced', async () => {
    const { w, r } = await pair();
    const order = await pricedOrder(w, r, [
      line({ quantity: 10, unitPrice: 13_000, itemName: '장미', varietyName: '레드나오미', grade: 'UPPER' }),
      line({ quantity: 3, unitPrice: 7_500, itemName: '거베라', varietyName: '핑크하트', grade: 'MIDDLE', memo: '포장' }),
      line({ kind: 'CUSTOM', quantity: 1, unitPrice: 8_000, itemName: '포장지', varietyName: '크라프트', grade: null }),
      line({ kind: 'SHIPPING_FEE', quantity: 1, unitPrice: 5_000, itemName: '배송비', varietyName: '', grade: null }),
    ]);
    const events = await h.read(`${h.prefix}statement.issued`);

    const issued = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [order.orderId] } });
    expect(issued.status).toBe(201);
    const total = 130_000 + 22_500 + 8_000 + 5_000;
    expect(issued.body).toMatchObject({
      version: 1,
      status: 'CURRENT',
      supersededBy: null,
      total,
      previousBalance: 0,
      payments: 0,
      balance: total,
      pages: 1,
      lineCount: 4,
      wholesaler: { id: w, companyName: '양재꽃상회' },
      retailer: { id: r, name: '꽃담플라워' },
      orders: [{ orderId: order.orderId, orderNumber: order.orderNumber }],
    });
    expect(issued.body.number).toMatch(/^\d{4}-\d{5}$/);
    expect(issued.body.lines.map((l: Json) => l.amount)).toEqual([130_000, 22_500, 8_000, 5_000]);

    const pdf = await download(issued.body.id, owner(w));
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(issued.body.document.sha256);
    expect(pdf.byteLength).toBe(issued.body.document.sizeBytes);
    const text = pdfText(pdf);
    const flat = squeeze(text);
    for (const expected of ['거래명세서', '꽃담플라워귀하', '220-81-62517', '양재꽃상회', '김꽃님', '도소매', '화훼', '장미레드나오미', '거베라핑크하트', '포장지크라프트', '배송비', '일금일십육만오천오백원정', '165,500', '130,000', '13,000', '전잔액', '입금', '잔액', '농협123-4567-8901-23김꽃님', issued.body.number]) {
      expect(flat).toContain(expected);
    }
    expect(pdfFonts(pdf)).toMatch(/Pretendard.*CID TrueType.*yes\s+yes\s+yes/);
    expect(pdfInfo(pdf).Pages).toBe('1');
    // The page as printed: mostly white paper, with the form's navy title, header row and totals.
    const px = pagePixels(pdf, 1, 50);
    let white = 0;
    let navy = 0;
    for (let y = 0; y < px.height; y++) {
      for (let x = 0; x < px.width; x++) {
        const [red, green, blue] = px.rgb(x, y);
        if (red > 240 && green > 240 && blue > 240) white++;
        if (blue > 90 && red < 70 && green < 90) navy++;
      }
    }
    const area = px.width * px.height;
    expect(white / area).toBeGreaterThan(0.6);
    expect(navy / area).toBeGreaterThan(0.01);

    const [message] = await events.waitForCount(1, 60_000);
    expect(message?.key).toBe(issued.body.id);
    const event = (await h.codec.decode('statement.issued', message!.value!)) as StatementIssued;
    expect(event).toMatchObject({
      statementId: issued.body.id,
      statementNumber: issued.body.number,
      version: 1,
      supersedesStatementId: null,
      total,
      previousBalance: 0,
      payments: 0,
      balance: total,
      lineCount: 4,
      // Sealed phones pass through as ordering sent them; billing never sees a number.
      wholesaler: { id: w, name: '양재꽃상회', phone: null, sealedPhone: `sealed-owner-${w}` },
      retailer: { id: r, name: '꽃담플라워', phone: null, sealedPhone: `sealed-retailer-${r}` },
      orders: [{ orderId: order.orderId, orderNumber: order.orderNumber }],
      document: { bucket: h.bucket, sha256: issued.body.document.sha256, pages: 1 },
    });
    expect(event.document.objectKey).toBe(`statements/${w}/${issued.body.number}/v1-${issued.body.id}.pdf`);

    const ledger = await h.call<Json>('GET', `/ledger?retailerId=${r}`, { actor: staff(w) });
    expect(ledger.body).toMatchObject({ wholesalerId: w, retailerId: r, balance: total });
    expect(ledger.body.entries).toEqual([expect.objectContaining({ kind: 'CHARGE', amount: total, statementId: issued.body.id, balanceAfter: total })]);
  });

  it('When the retailer has a business profile, then the statement prints it as 공급받는자 — 등록번호, 상호, 대표자 and the address in full — and a later change shows on the next statement only', async () => {
    const { w, r } = await pair();
    await h.produce('retailer.profile.updated', r, retailerProfileUpdated(r));
    await waitFor(async () => (await retailerProfileVersion(r)) === 1, { description: 'retailer profile recorded', timeoutMs: 60_000 });
    const first = await pricedOrder(w, r);
    const issued = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [first.orderId] } });
    expect(issued.status).toBe(201);
    const text = squeeze(pdfRawText(await download(issued.body.id, retailerActor(r))));
    for (const expected of ['공급받는자', '120-88-00767', '주식회사꿀벌원예양재본점', '이벌꿀', squeeze('서울특별시 서초구 강남대로 27 양재꽃시장 화훼유통센터 2층 201호'), '화초및산식물도소매업', '꽃담플라워귀하']) {
      expect(text).toContain(expected);
    }

    await h.produce('retailer.profile.updated', r, retailerProfileUpdated(r, { version: 2, companyName: '주식회사 꿀벌원예 서초점', address: '서울특별시 서초구 서초대로 1' }));
    await waitFor(async () => (await retailerProfileVersion(r)) === 2, { description: 'retailer profile v2', timeoutMs: 60_000 });
    expect(squeeze(pdfRawText(await download(issued.body.id, retailerActor(r))))).toContain('주식회사꿀벌원예양재본점');
    const second = await pricedOrder(w, r);
    const next = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [second.orderId] } });
    const nextText = squeeze(pdfRawText(await download(next.body.id, retailerActor(r))));
    expect(nextText).toContain('주식회사꿀벌원예서초점');
    expect(nextText).not.toContain('양재본점');
  });

  it('When the statement is refused, then the error names the reason and nothing is reserved, charged or published', async () => {
    const { w, r } = await pair();
    const other = await pair();
    const priced = await pricedOrder(w, r);
    const before = await billingRows();

    const partial = snapshot({ wholesaler: { id: w }, retailer: { id: r }, lines: [line({ quantity: 1, unitPrice: 1_000 }), line({ quantity: 2, unitPrice: null, itemName: '튤립', varietyName: '퍼플' })] });
    await h.produce('order.placed', partial.orderId, orderPlaced(partial));
    const cancelled = snapshot({ wholesaler: { id: w }, retailer: { id: r }, status: 'CANCELLED', lines: [line({ quantity: 1, unitPrice: 1_000 })] });
    await h.produce('order.placed', cancelled.orderId, orderPlaced(cancelled));
    const otherRetailer = await pricedOrder(w, newId());
    await waitFor(async () => (await orderVersion(partial.orderId)) === 1 && (await orderVersion(cancelled.orderId)) === 1, { timeoutMs: 60_000 });
    const noProfileWholesaler = newId();
    const orphan = snapshot({ wholesaler: { id: noProfileWholesaler }, retailer: { id: r }, lines: [line({ quantity: 1, unitPrice: 1_000 })] });
    await h.produce('order.placed', orphan.orderId, orderPlaced(orphan));
    await waitFor(async () => (await orderVersion(orphan.orderId)) === 1, { timeoutMs: 60_000 });

    const cases: Array<[Actor, unknown, number, string]> = [
      [staff(w), { orderIds: [priced.orderId] }, 403, 'statement-issue-forbidden'],
      [retailerActor(r), { orderIds: [priced.orderId] }, 403, 'statement-issue-forbidden'],
      [admin, { orderIds: [priced.orderId] }, 403, 'statement-issue-forbidden'],
      [owner(w), { orderIds: [newId()] }, 404, 'order-not-found'],
      [owner(other.w), { orderIds: [priced.orderId] }, 404, 'order-not-found'],
      [owner(w), { retailerId: r, day: '2020-01-01' }, 404, 'order-not-found'],
      [owner(w), { orderIds: [partial.orderId] }, 409, 'order-unpriced'],
      [owner(w), { orderIds: [cancelled.orderId] }, 409, 'order-cancelled'],
      [owner(w), { orderIds: [priced.orderId, otherRetailer.orderId] }, 409, 'orders-of-several-retailers'],
      [owner(noProfileWholesaler), { orderIds: [orphan.orderId] }, 409, 'business-profile-missing'],
      [owner(w), { orderIds: ['not-a-uuid'] }, 400, 'validation-failed'],
      [owner(w), { orderIds: [] }, 400, 'validation-failed'],
    ];
    for (const [actor, body, status, code] of cases) {
      const response = await h.call<Json>('POST', '/statements', { actor, body });
      expect({ code, status: response.status, got: response.body.code }).toEqual({ code, status, got: code });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const unpriced = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [partial.orderId] } });
    expect(unpriced.body.unpricedLines).toEqual([expect.objectContaining({ orderId: partial.orderId, itemName: '튤립', varietyName: '퍼플' })]);
    expect(unpriced.body.detail).toContain('튤립 퍼플');
    expect(await billingRows()).toEqual(before);

    const first = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [priced.orderId] } });
    expect(first.status).toBe(201);
    const again = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [priced.orderId] } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('order-already-stated');
    expect(again.body.statements).toEqual([{ orderId: priced.orderId, statementId: first.body.id, statementNumber: first.body.number }]);
  });

  it('When the edge sends the versions it knows and billing’s view is still behind, then the issue waits for the view, or answers 503 order-view-behind', async () => {
    const { w, r } = await pair();
    const unpriced = snapshot({ wholesaler: { id: w }, retailer: { id: r }, lines: [line({ quantity: 4, unitPrice: null })], version: 1 });
    await h.produce('order.placed', unpriced.orderId, orderPlaced(unpriced));
    await waitFor(async () => (await orderVersion(unpriced.orderId)) === 1, { timeoutMs: 60_000 });

    // The edge has v2 (priced) and asks at once; the v2 event reaches billing only after the request.
    const priced = snapshot({ orderId: unpriced.orderId, orderNumber: unpriced.orderNumber, wholesaler: { id: w }, retailer: { id: r }, lines: [line({ quantity: 4, unitPrice: 2_500 })], version: 2 });
    const issuing = h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [priced.orderId], expectedVersions: { [priced.orderId]: 2 } } });
    await h.produce('order.updated', priced.orderId, orderUpdated(priced));
    const issued = await issuing;
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ total: 10_000, orders: [{ orderId: priced.orderId }] });

    // A version that never arrives: a retriable 503 naming the order, and nothing reserved.
    const { w: w2, r: r2 } = await pair();
    const stale = await pricedOrder(w2, r2);
    const before = await billingRows();
    const behind = await h.call<Json>('POST', '/statements', { actor: owner(w2), body: { orderIds: [stale.orderId], expectedVersions: { [stale.orderId]: 9 } } });
    expect(behind.status).toBe(503);
    expect(behind.body).toMatchObject({ code: 'order-view-behind', orderIds: [stale.orderId] });
    expect(behind.headers.get('retry-after')).toBe('1');
    expect(await billingRows()).toEqual(before);
  });

  it('When the owner issues for a retailer and day, then the statement sums up that day’s live order sheets', async () => {
    const { w, r } = await pair();
    const day = '2026-11-24';
    const a = await pricedOrder(w, r, [line({ quantity: 10, unitPrice: 10_000 })], { saleDay: day, orderNumber: '261124-000001' });
    const b = await pricedOrder(w, r, [line({ quantity: 4, unitPrice: 2_500, itemName: '안개꽃', varietyName: '오버타임' })], { saleDay: day, orderNumber: '261124-000002' });
    const cancelled = snapshot({ wholesaler: { id: w }, retailer: { id: r }, saleDay: day, status: 'CANCELLED', lines: [line({ quantity: 1, unitPrice: null })] });
    await h.produce('order.placed', cancelled.orderId, orderPlaced(cancelled));
    await pricedOrder(w, r, [line({ quantity: 1, unitPrice: 999 })], { saleDay: '2026-11-25' });
    await waitFor(async () => (await orderVersion(cancelled.orderId)) === 1, { timeoutMs: 60_000 });

    const issued = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { retailerId: r, day } });
    expect(issued.status).toBe(201);
    expect(issued.body.orders).toEqual([
      { orderId: a.orderId, orderNumber: '261124-000001' },
      { orderId: b.orderId, orderNumber: '261124-000002' },
    ]);
    expect(issued.body.total).toBe(110_000);
    const text = squeeze(pdfText(await download(issued.body.id, retailerActor(r))));
    expect(text).toContain('일금일십일만원정');
    expect(text).toContain('261124-000002');
  });

  it('When the owner repeats a request with the same Idempotency-Key, then the same statement comes back, and a different request under it is refused', async () => {
    const { w, r } = await pair();
    const order = await pricedOrder(w, r);
    const key = `issue-${newId()}`;
    const first = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [order.orderId] }, headers: { 'Idempotency-Key': key } });
    const second = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [order.orderId] }, headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    const other = await pricedOrder(w, r);
    const misuse = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [other.orderId] }, headers: { 'Idempotency-Key': key } });
    expect(misuse.status).toBe(422);
    expect(misuse.body.code).toBe('idempotency-key-reused');
    const ledger = await h.call<Json>('GET', `/ledger?retailerId=${r}`, { actor: owner(w) });
    expect(ledger.body.entries).toHaveLength(1);
  });

  it('When the same order is issued twice at once, then exactly one statement is made; issues for different retailers get distinct numbers', async () => {
    const { w, r } = await pair();
    const order = await pricedOrder(w, r);
    const racing = await Promise.all([1, 2, 3].map(() => h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [order.orderId] } })));
    expect(racing.filter((x) => x.status === 201)).toHaveLength(1);
    for (const x of racing.filter((y) => y.status !== 201)) {
      expect(x.status).toBe(409);
      expect(['order-already-stated', 'statement-in-progress']).toContain(x.body.code);
    }
    const others = await Promise.all([1, 2, 3, 4].map(() => pricedOrder(w, newId())));
    const issued = await Promise.all(others.map((o) => h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [o.orderId] } })));
    expect(issued.map((x) => x.status)).toEqual([201, 201, 201, 201]);
    const numbers = [racing.find((x) => x.status === 201)!.body.number, ...issued.map((x) => x.body.number)];
    expect(new Set(numbers).size).toBe(5);
    const sequences = numbers.map((n: string) => Number(n.slice(5))).sort((a, b) => a - b);
    expect(sequences).toEqual([1, 2, 3, 4, 5]);
  });

  it('When a statement has 200 lines, then it flows onto further pages with the header repeated and the totals right', async () => {
    const { w, r } = await pair();
    const lines = Array.from({ length: 200 }, (_, i) => line({ quantity: (i % 7) + 1, unitPrice: 1_000 * ((i % 13) + 1), varietyName: `품종${i + 1}` }));
    const order = await pricedOrder(w, r, lines);
    const total = lines.reduce((sum, l) => sum + l.quantity * (l.unitPrice as number), 0);
    const started = Date.now();
    const issued = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [order.orderId] } });
    const elapsed = Date.now() - started;
    expect(issued.status).toBe(201);
    expect(issued.body.total).toBe(total);
    expect(issued.body.pages).toBeGreaterThanOrEqual(7);
    const pdf = await download(issued.body.id, owner(w));
    expect(Number(pdfInfo(pdf).Pages)).toBe(issued.body.pages);
    for (let page = 1; page <= issued.body.pages; page++) {
      const text = squeeze(pdfText(pdf, page));
      expect(text).toContain('거래명세서');
      expect(text).toContain(issued.body.number);
      expect(text).toContain('꽃담플라워귀하');
      expect(text).toContain(`${page}/${issued.body.pages}쪽`);
    }
    const last = squeeze(pdfText(pdf, issued.body.pages));
    expect(last).toContain('장미품종200');
    expect(last).toContain('합계(200건)');
    expect(last).toContain(total.toLocaleString('en-US'));
    expect(squeeze(pdfText(pdf, 1))).not.toContain('합계(200건)');
    // Generous bound on a shared machine; bench/billing measures it properly.
    expect(elapsed).toBeLessThan(10_000);
  });
});

describe('the ledger, payments and re-issues', () => {
  it('When payments are recorded and statements issued and re-issued, then each footer and the balance follow the ledger without double counting', async () => {
    const { w, r } = await pair();
    const first = await pricedOrder(w, r, [line({ quantity: 10, unitPrice: 13_000 })]);
    const s1 = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [first.orderId] } });
    expect(s1.body).toMatchObject({ previousBalance: 0, total: 130_000, payments: 0, balance: 130_000 });

    const key = `pay-${newId()}`;
    const clerk = staff(w);
    const payment = await h.call<Json>('POST', '/payments', { actor: clerk, body: { retailerId: r, amount: 50_000, memo: '계좌이체' }, headers: { 'Idempotency-Key': key } });
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({ wholesalerId: w, retailerId: r, amount: 50_000, memo: '계좌이체', balanceAfter: 80_000, recordedBy: clerk.accountId });
    const replay = await h.call<Json>('POST', '/payments', { actor: staff(w), body: { retailerId: r, amount: 50_000, memo: '계좌이체' }, headers: { 'Idempotency-Key': key } });
    expect(replay.body).toMatchObject({ id: payment.body.id, recordedBy: clerk.accountId });
    // The schema itself refuses a payment nobody recorded (the answer promises recordedBy).
    await expect(
      query(env(), `insert into "${h.schema}".ledger_entry (id, wholesaler_id, retailer_id, kind, amount, at, balance_after) values ($1, $2, $3, 'PAYMENT', 1, now(), 0)`, [newId(), w, r]),
    ).rejects.toThrow(/ledger_entry_payment_recorded_by/);
    const misuse = await h.call<Json>('POST', '/payments', { actor: staff(w), body: { retailerId: r, amount: 60_000 }, headers: { 'Idempotency-Key': key } });
    expect(misuse.status).toBe(422);
    for (const [actor, body, status, code] of [
      [retailerActor(r), { retailerId: r, amount: 1 }, 403, 'forbidden'],
      [owner(w), { retailerId: newId(), amount: 1 }, 404, 'retailer-not-found'],
      [owner(w), { retailerId: r, amount: 0 }, 400, 'validation-failed'],
      [owner(w), { retailerId: r, amount: 1.5 }, 400, 'validation-failed'],
    ] as Array<[Actor, unknown, number, string]>) {
      const refused = await h.call<Json>('POST', '/payments', { actor, body });
      expect([refused.status, refused.body.code]).toEqual([status, code]);
    }

    const second = await pricedOrder(w, r, [line({ quantity: 7, unitPrice: 10_000 })]);
    const s2 = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [second.orderId] } });
    expect(s2.body).toMatchObject({ previousBalance: 130_000, total: 70_000, payments: 50_000, balance: 150_000 });
    const footer = squeeze(pdfText(await download(s2.body.id, owner(w))));
    expect(footer).toMatch(/전잔액합계입금잔액₩130,000₩70,000₩50,000₩150,000/);

    // The wholesaler corrects a price on the first order; a re-issue supersedes version 1.
    const corrected = snapshot({ ...first, wholesaler: { id: w }, retailer: { id: r }, version: 3, lines: [line({ lineId: first.lines[0]!.lineId, quantity: 10, unitPrice: 12_000 })] });
    await h.produce('order.updated', first.orderId, orderUpdated(corrected));
    await waitFor(async () => (await orderVersion(first.orderId)) === 3, { timeoutMs: 60_000 });
    const before = await h.call<Json>('GET', `/statements/${s1.body.id}`, { actor: owner(w) });
    expect(before.body.ordersChanged).toBe(true);

    expect((await h.call<Json>('POST', `/statements/${s1.body.id}/reissue`, { actor: staff(w) })).status).toBe(403);
    const s1v2 = await h.call<Json>('POST', `/statements/${s1.body.id}/reissue`, { actor: owner(w) });
    expect(s1v2.status).toBe(201);
    expect(s1v2.body).toMatchObject({ number: s1.body.number, version: 2, supersedes: s1.body.id, status: 'CURRENT', previousBalance: 0, total: 120_000, payments: 0, balance: 120_000 });
    const v2text = squeeze(pdfText(await download(s1v2.body.id, owner(w))));
    expect(v2text).toContain('재발행(제2판)');
    expect(v2text).toContain('일금일십이만원정');

    const old = await h.call<Json>('GET', `/statements/${s1.body.id}`, { actor: owner(w) });
    expect(old.body).toMatchObject({ status: 'SUPERSEDED', supersededBy: s1v2.body.id });
    // Both versions' PDFs are kept.
    expect(squeeze(pdfText(await download(s1.body.id, owner(w))))).toContain('일금일십삼만원정');
    const stale = await h.call<Json>('POST', `/statements/${s1.body.id}/reissue`, { actor: owner(w) });
    expect([stale.status, stale.body.code]).toEqual([409, 'statement-superseded']);

    const ledger = await h.call<Json>('GET', `/ledger?retailerId=${r}`, { actor: owner(w) });
    expect(ledger.body.balance).toBe(140_000);
    expect(ledger.body.entries.map((e: Json) => [e.kind, e.amount, e.balanceAfter])).toEqual([
      ['CHARGE', 130_000, 130_000],
      ['PAYMENT', 50_000, 80_000],
      ['CHARGE', 70_000, 150_000],
      ['CHARGE', -130_000, 20_000],
      ['CHARGE', 120_000, 140_000],
    ]);
    const [charges] = await query<{ sum: string }>(env(), `select sum(amount) as sum from "${h.schema}".ledger_entry where wholesaler_id = $1 and kind = 'CHARGE'`, [w]);
    const [current] = await query<{ sum: string }>(env(), `select sum(total) as sum from "${h.schema}".statement where wholesaler_id = $1 and status = 'ISSUED' and superseded_by_id is null`, [w]);
    expect(Number(charges?.sum)).toBe(Number(current?.sum));

    // The next statement carries the balance on: 전잔액 = 140,000, and no payment is printed twice.
    const third = await pricedOrder(w, r, [line({ quantity: 1, unitPrice: 5_000 })]);
    const s3 = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [third.orderId] } });
    expect(s3.body).toMatchObject({ previousBalance: 140_000, total: 5_000, payments: 0, balance: 145_000 });

    const retailerView = await h.call<Json>('GET', `/ledger?wholesalerId=${w}`, { actor: retailerActor(r) });
    expect(retailerView.body.balance).toBe(145_000);
  });
});

describe('who sees what', () => {
  it('When parties read statements, ledgers and downloads, then each sees only its own and others get not-found or forbidden', async () => {
    const { w, r } = await pair();
    const order = await pricedOrder(w, r);
    const s = await h.call<Json>('POST', '/statements', { actor: owner(w), body: { orderIds: [order.orderId] } });
    const stranger = retailerActor(newId());
    const otherWholesaler = owner(newId());

    for (const actor of [owner(w), staff(w), retailerActor(r), admin]) {
      expect((await h.call('GET', `/statements/${s.body.id}`, { actor })).status).toBe(200);
      expect((await h.call('GET', `/statements/${s.body.id}/download`, { actor })).status).toBe(200);
    }
    for (const actor of [stranger, otherWholesaler]) {
      const got = await h.call<Json>('GET', `/statements/${s.body.id}`, { actor });
      expect([got.status, got.body.code]).toEqual([404, 'statement-not-found']);
      expect((await h.call('GET', `/statements/${s.body.id}/download`, { actor })).status).toBe(404);
    }
    const mine = await h.call<Json>('GET', '/statements?page=0&size=5', { actor: retailerActor(r) });
    expect(mine.body).toMatchObject({ page: 0, size: 5, total: 1 });
    expect(mine.body.items.map((i: Json) => i.id)).toEqual([s.body.id]);
    expect((await h.call<Json>('GET', '/statements', { actor: stranger })).body.total).toBe(0);
    expect((await h.call<Json>('GET', `/statements?wholesalerId=${w}`, { actor: otherWholesaler })).status).toBe(403);
    expect((await h.call<Json>('GET', `/statements?retailerId=${r}`, { actor: stranger })).status).toBe(403);
    const adminList = await h.call<Json>('GET', `/statements?wholesalerId=${w}&from=2000-01-01&to=2999-12-31`, { actor: admin });
    expect(adminList.body.total).toBe(1);
    expect((await h.call<Json>('GET', `/ledger?retailerId=${r}&wholesalerId=${newId()}`, { actor: owner(w) })).status).toBe(403);
    // A pair that never traded has no ledger: 404, not an empty one.
    const unknown = await h.call<Json>('GET', `/ledger?retailerId=${newId()}`, { actor: owner(w) });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ledger-not-found']);
    const unknownSeller = await h.call<Json>('GET', `/ledger?wholesalerId=${newId()}`, { actor: retailerActor(r) });
    expect([unknownSeller.status, unknownSeller.body.code]).toEqual([404, 'ledger-not-found']);
    expect((await h.call<Json>('GET', `/ledger?wholesalerId=${w}`, { actor: retailerActor(r) })).status).toBe(200);

    const noToken = await h.call<Json>('GET', '/statements', { actor: admin, token: null });
    expect([noToken.status, noToken.body.code]).toEqual([401, 'unauthenticated']);
    const badToken = await h.call<Json>('GET', '/statements', { actor: admin, token: 'x'.repeat(32) });
    expect([badToken.status, badToken.body.code]).toEqual([401, 'invalid-token']);
    const noActor = await h.call<Json>('GET', '/statements', {});
    expect([noActor.status, noActor.body.code]).toEqual([401, 'actor-required']);
    const badPage = await h.call<Json>('GET', '/statements?size=1000', { actor: admin });
    expect([badPage.status, badPage.body.code]).toEqual([400, 'validation-failed']);
  });
});
