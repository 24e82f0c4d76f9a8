import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { actorHeaders, createSealer } from '@marketbill/platform';
import { sealedFieldContext, type TopicName } from '@marketbill/schemas';
import { query, waitFor } from '@marketbill/testing';
import { startFakeSensServer, type FakeSensAnswer, type FakeSensRequest, type FakeSensServer } from './testing/fake-sens-server';
import { startNotifier, type NotifierHarness } from './testing/notifier-harness';
import {
  connectionDecided,
  connectionRequested,
  orderPlaced,
  orderSnapshot,
  orderUpdated,
  party,
  priced,
  statementIssued,
  verificationRequested,
} from './testing/sample-events';

jest.setTimeout(90_000);

let sens: FakeSensServer;
let h: NotifierHarness;
const answers = new Map<string, (r: FakeSensRequest) => FakeSensAnswer>();
const pool: string[] = Array.from({ length: 40 }, (_, i) => `010${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${String(i).padStart(4, '0')}`);
let next = 0;
/** A number on the allow-list, used by one test only. */
const phone = () => pool[next++] as string;

interface DeliveryRow {
  id: string;
  event_id: string;
  template: string;
  recipient: string;
  type: string;
  status: string;
  attempts: number;
  message_text: string;
  secret_text: string | null;
  provider: string;
  provider_status: string | null;
  provider_message: string | null;
  request_id: string | null;
}

async function deliveriesTo(recipient: string): Promise<DeliveryRow[]> {
  return query<DeliveryRow & Record<string, unknown>>(h.databaseUrl, `select * from "${h.schema}".delivery where recipient = $1 order by created_at`, [recipient]);
}

async function attemptsOf(id: string) {
  return query<{ attempt: number; outcome: string; http_status: number | null; provider_message: string | null }>(
    h.databaseUrl,
    `select attempt, outcome, http_status, provider_message from "${h.schema}".delivery_attempt where delivery_id = $1 order by attempt`,
    [id],
  );
}

/** Waits until the deliveries to `recipient` are `count` and all final. */
async function settled(recipient: string, count: number, timeoutMs = 30_000): Promise<DeliveryRow[]> {
  return waitFor(
    async () => {
      const rows = await deliveriesTo(recipient);
      return rows.length === count && rows.every((r) => r.status !== 'PENDING') ? rows : undefined;
    },
    { timeoutMs, description: `${count} settled deliveries to ${recipient}` },
  );
}

function consumed(): number {
  const s = h.service.runtime.messaging?.subscriber?.stats();
  return s ? s.processed + s.duplicates + s.deadLettered : 0;
}

/** Produces the given messages and waits until the consumer has gone through all of them. */
async function produceAll(messages: Array<() => Promise<void>>): Promise<void> {
  const before = consumed();
  for (const send of messages) await send();
  await waitFor(() => consumed() >= before + messages.length, { description: `${messages.length} messages consumed` });
}

const sentTo = (to: string) => sens.received.filter((m) => m.to === to);

beforeAll(async () => {
  sens = await startFakeSensServer();
  sens.answerWith((r) => (answers.get(r.to) ?? (() => ({ status: 202 })))(r));
  h = await startNotifier({
    sens,
    env: {
      APP_ENV: 'staging',
      SMS_ALLOW_LIST: pool.join(','),
      SMS_REQUEST_TIMEOUT_MS: '400',
      SMS_CLAIM_LEASE_MS: '5000',
      SMS_MAX_ATTEMPTS: '3',
      SENS_RATE_LIMIT_PER_SECOND: '500',
    },
  });
});

afterAll(async () => {
  await h?.stop();
  await sens?.close();
});

describe('notifier: events to SMS through SENS', () => {
  it('When a sign-up code is requested (and the event arrives three times), then one SMS carries the code and the log keeps it masked', async () => {
    const to = phone();
    const event = verificationRequested(to, '482913');
    const bytes = await h.encode('account.verification.requested', event);
    await produceAll([
      () => h.produce('account.verification.requested', event.verificationId, event),
      () => h.produceRaw('account.verification.requested', event.verificationId, bytes),
      // Republished with a new event id (a producer bug or a replay): the verification id dedupes it.
      () => h.produce('account.verification.requested', event.verificationId, { ...event, eventId: randomUUID() }),
    ]);
    const [row] = await settled(to, 1);
    expect(sentTo(to)).toHaveLength(1);
    const [sms] = sentTo(to);
    expect(sms).toMatchObject({ type: 'SMS', subject: null, content: '[마켓빌] 회원가입 인증번호는 482913입니다. 5분 안에 입력해 주세요.' });
    expect(row).toMatchObject({
      template: 'verification-code',
      type: 'SMS',
      status: 'SENT',
      attempts: 1,
      provider: 'sens',
      provider_status: '202',
      provider_message: 'success',
      request_id: sms?.requestId,
      secret_text: null,
      message_text: '[마켓빌] 회원가입 인증번호는 ******입니다. 5분 안에 입력해 주세요.',
    });
    const leaks = await query(h.databaseUrl, `select 1 from "${h.schema}".delivery where message_text like '%482913%' or secret_text is not null and recipient = $1`, [to]);
    expect(leaks).toHaveLength(0);
  });

  it('When order events arrive out of order and twice, then the wholesaler hears of the order once and the retailer of each milestone once, never a stale one', async () => {
    const retailer = party('꽃담플라워', phone());
    const wholesaler = party('양재꽃상회', phone());
    const v1 = orderSnapshot(retailer, wholesaler);
    const v2 = priced(v1, 13_000); // fully priced, still pending
    const v3 = { ...v2, version: 3, fulfilment: { ...v2.fulfilment, state: 'READY' as const } };
    const v4 = { ...v2, version: 4, fulfilment: { ...v2.fulfilment, state: 'PICKED_UP' as const } };
    const e2 = orderUpdated(v2, 'PRICES_SET');
    const e4 = orderUpdated(v4, 'FULFILMENT_CHANGED');
    const e3 = orderUpdated(v3, 'FULFILMENT_CHANGED');
    const placed = orderPlaced(v1);
    const e2again = await h.encode('order.updated', e2);
    await produceAll([
      () => h.produce('order.updated', v1.orderId, e2),
      () => h.produce('order.updated', v1.orderId, e4),
      () => h.produce('order.updated', v1.orderId, e3), // older than v4: must not announce "ready"
      () => h.produceRaw('order.updated', v1.orderId, e2again), // the same event again
      () => h.produce('order.updated', v1.orderId, { ...e2, eventId: randomUUID() }), // v2 republished
      () => h.produce('order.placed', v1.orderId, placed), // order.placed comes last (another topic)
      () => h.produce('order.placed', v1.orderId, placed),
    ]);
    const toRetailer = await settled(retailer.number, 2);
    const toWholesaler = await settled(wholesaler.number, 1);
    expect(toRetailer.map((r) => r.template).sort()).toEqual(['order-picked-up', 'order-priced']);
    expect(toWholesaler.map((r) => r.template)).toEqual(['order-placed']);
    expect(sentTo(retailer.number)).toHaveLength(2);
    expect(sentTo(wholesaler.number)).toHaveLength(1);
    expect(sentTo(retailer.number).map((m) => m.content).join('\n')).toContain('합계: 130,000원');
    expect(sentTo(wholesaler.number)[0]?.content).toContain(`https://web.test.marketbill.kr/wholesale/orders/${v1.orderId}`);
  });

  it('When SENS answers 500 and then 202, then the delivery is retried and SENT after two attempts', async () => {
    const to = phone();
    answers.set(to, (r) => (r.previousRequests === 0 ? { status: 500, body: { error: { errorCode: '500', message: 'Endpoint Error' } } } : { status: 202 }));
    const event = verificationRequested(to);
    await h.produce('account.verification.requested', event.verificationId, event);
    const [row] = await settled(to, 1);
    expect(row).toMatchObject({ status: 'SENT', attempts: 2, provider_status: '202' });
    expect(await attemptsOf(row!.id)).toEqual([
      { attempt: 1, outcome: 'PROVIDER_ERROR', http_status: 500, provider_message: 'Endpoint Error' },
      { attempt: 2, outcome: 'ACCEPTED', http_status: 202, provider_message: 'success' },
    ]);
    expect(sentTo(to)).toHaveLength(1);
  });

  it('When SENS refuses with a 4xx, then the delivery FAILS at once with the provider reason and is not retried', async () => {
    const to = phone();
    answers.set(to, () => ({ status: 400, body: { statusCode: '400', statusName: 'fail', errorMessage: 'blocked recipient' } }));
    const event = statementIssued(party('양재꽃상회', phone()), party('꽃담플라워', to));
    await h.produce('statement.issued', event.statementId, event);
    const [row] = await settled(to, 1);
    expect(row).toMatchObject({ status: 'FAILED', attempts: 1, provider_status: '400', provider_message: 'blocked recipient' });
    expect(sens.requests.filter((r) => r.to === to)).toHaveLength(1);
  });

  it('When SENS answers 429 with Retry-After, then the sender waits that long and the delivery is SENT', async () => {
    const to = phone();
    answers.set(to, (r) => (r.previousRequests === 0 ? { status: 429, body: { error: { errorCode: '420', message: 'Rate Limited' } }, headers: { 'retry-after': '1' } } : { status: 202 }));
    const event = connectionRequested(party('꽃담플라워', phone()), party('양재꽃상회', to));
    await h.produce('connection.requested', event.connectionId, event);
    const [row] = await settled(to, 1);
    const attempts = await attemptsOf(row!.id);
    expect(attempts.map((a) => a.outcome)).toEqual(['THROTTLED', 'ACCEPTED']);
    const times = await query<{ at: Date }>(h.databaseUrl, `select at from "${h.schema}".delivery_attempt where delivery_id = $1 order by attempt`, [row!.id]);
    expect(times[1]!.at.getTime() - times[0]!.at.getTime()).toBeGreaterThanOrEqual(900);
  });

  it('When SENS is too slow, then the call times out and is retried; SENS may have taken the first one too (the documented risk)', async () => {
    const to = phone();
    answers.set(to, (r) => (r.previousRequests === 0 ? { delayMs: 900 } : { status: 202 }));
    const event = connectionDecided(party('꽃담플라워', to), party('양재꽃상회', phone()), 'CONFIRMED');
    await h.produce('connection.decided', event.connectionId, event);
    const [row] = await settled(to, 1);
    expect(row).toMatchObject({ status: 'SENT', attempts: 2 });
    expect((await attemptsOf(row!.id)).map((a) => [a.outcome, a.provider_message])).toEqual([
      ['TIMEOUT', 'no answer within 400 ms'],
      ['ACCEPTED', 'success'],
    ]);
    const got = await waitFor(() => sentTo(to).length === 2 && sentTo(to));
    expect(got.map((m) => m.answered).sort()).toEqual([false, true]);
  });

  it('When SENS keeps failing, then the delivery FAILS after the last attempt with the last answer', async () => {
    const to = phone();
    answers.set(to, () => ({ status: 503, body: { error: { errorCode: '500', message: 'Endpoint Error', details: 'maintenance' } } }));
    const event = connectionDecided(party('꽃담플라워', to), party('양재꽃상회', phone()), 'REJECTED');
    await h.produce('connection.decided', event.connectionId, event);
    const [row] = await settled(to, 1);
    expect(row).toMatchObject({ status: 'FAILED', attempts: 3, provider_status: '500', provider_message: 'gave up after 3 attempts; Endpoint Error: maintenance' });
    expect(sens.requests.filter((r) => r.to === to)).toHaveLength(3);
  });

  it('When a number is not on the allow-list outside production, then the delivery is SKIPPED and SENS never hears of it', async () => {
    const outsider = '01000000000';
    const event = verificationRequested(outsider, '111222');
    await h.produce('account.verification.requested', event.verificationId, event);
    const [row] = await settled(outsider, 1);
    expect(row).toMatchObject({ status: 'SKIPPED', attempts: 0, secret_text: null, provider_message: 'not sent: the number is not on SMS_ALLOW_LIST (APP_ENV=staging)' });
    expect(sens.requests.filter((r) => r.to === outsider)).toHaveLength(0);
  });

  it('When connections are requested and decided and a statement is issued, then each reaches the right party with a web link', async () => {
    const retailer = party('꽃담플라워', phone());
    const wholesaler = party('양재꽃상회', phone());
    const requested = connectionRequested(retailer, wholesaler);
    const approved = connectionDecided(retailer, wholesaler, 'CONFIRMED');
    const statement = statementIssued(wholesaler, retailer, 2);
    await produceAll([
      () => h.produce('connection.requested', requested.connectionId, requested),
      () => h.produce('connection.decided', approved.connectionId, approved),
      () => h.produce('statement.issued', statement.statementId, statement),
    ]);
    await settled(retailer.number, 2);
    await settled(wholesaler.number, 1);
    expect(sentTo(wholesaler.number)[0]).toMatchObject({
      type: 'LMS',
      subject: '[마켓빌] 거래처 신청',
      content: '[마켓빌] 꽃담플라워에서 거래처 신청을 보냈습니다. 승인하시면 바로 주문을 받을 수 있습니다.\n신청 확인: https://web.test.marketbill.kr/wholesale/connections',
    });
    const retailerTexts = sentTo(retailer.number).map((m) => m.content);
    expect(retailerTexts.some((t) => t.includes(`양재꽃상회에서 거래처 신청을 승인했습니다.`) && t.includes(`/retail/wholesalers/${wholesaler.id}`))).toBe(true);
    expect(retailerTexts.some((t) => t.includes('거래명세서(2611-00017)를 다시 발행했습니다') && t.includes(`/retail/statements/${statement.statementId}`))).toBe(true);
  });
});

describe('notifier: events that cannot become an SMS', () => {
  it('When an event of any subscription has no valid mobile number, then it is dead-lettered with the reason and nothing is recorded', async () => {
    const bad = party('번호없음', '0212345678');
    const good = party('양재꽃상회', phone());
    const v = verificationRequested('12345');
    const poisoned: Array<{ topic: TopicName; key: string; eventId: string; send: () => Promise<void> }> = [];
    const add = <T extends TopicName>(topic: T, key: string, event: Parameters<NotifierHarness['produce']>[2] & { eventId: string }) =>
      poisoned.push({ topic, key, eventId: event.eventId, send: () => h.produce(topic, key, event as never) });
    add('account.verification.requested', v.verificationId, v);
    const requested = connectionRequested(good, bad);
    add('connection.requested', requested.connectionId, requested);
    const decided = connectionDecided(bad, good, 'CONFIRMED');
    add('connection.decided', decided.connectionId, decided);
    const order = orderSnapshot(good, bad);
    add('order.placed', order.orderId, orderPlaced(order));
    const pricedOrder = priced(orderSnapshot(bad, good), 1_000);
    add('order.updated', pricedOrder.orderId, orderUpdated(pricedOrder, 'PRICES_SET'));
    const statement = statementIssued(good, bad);
    add('statement.issued', statement.statementId, statement);

    await produceAll(poisoned.map((p) => p.send));
    const letters = await h.deadLetters(
      poisoned.map((p) => p.topic),
      poisoned.length,
    );
    expect(letters).toHaveLength(poisoned.length);
    for (const p of poisoned) {
      const dead = letters.find((m) => m.headers['dlq-original-topic'] === `${h.prefix}${p.topic}`);
      expect(dead?.key).toBe(p.key);
      expect(dead?.headers['dlq-error-code']).toBe('sms-invalid-recipient');
      expect(dead?.headers['dlq-reason']).toMatch(/has no valid mobile number/);
      expect(dead?.headers['dlq-attempts']).toBe('1');
    }
    const recorded = await query(h.databaseUrl, `select 1 from "${h.schema}".delivery where event_id = any($1::uuid[])`, [poisoned.map((p) => p.eventId)]);
    expect(recorded).toHaveLength(0);
  });
});

describe('sealed phones and codes', () => {
  it('When someone tried to sign up with a registered number, then its owner gets the notice, which carries no code', async () => {
    const to = phone();
    const attempt = { ...verificationRequested(to), code: null, sealedCode: null, notice: 'ALREADY_REGISTERED' as const };
    await h.produce('account.verification.requested', attempt.verificationId, attempt);
    const [row] = await settled(to, 1);
    expect(row).toMatchObject({ template: 'sign-up-attempted', status: 'SENT', type: 'LMS' });
    expect(sentTo(to)[0]?.content).toContain('이미 가입된 번호라 인증번호는 보내지 않았습니다');
    expect(sentTo(to)[0]?.content).not.toMatch(/\d{6}/);
  });

  it('When an event was written before phones and codes were sealed, then its clear values are still sent', async () => {
    const to = phone();
    const legacy = { ...verificationRequested(to, '604211'), phone: to, sealedPhone: null, code: '604211', sealedCode: null };
    await h.produce('account.verification.requested', legacy.verificationId, legacy);
    await settled(to, 1);
    expect(sentTo(to)[0]?.content).toContain('604211');
  });

  it('When a sealed value does not open (another key, or moved to another party), then the event is dead-lettered and nothing is sent', async () => {
    const foreign = createSealer({ current: 'x'.repeat(40) });
    const to = phone();
    const v = verificationRequested(to, '111222');
    const wrongKey = { ...v, sealedCode: foreign.seal('111222', sealedFieldContext.verificationCode(v.verificationId)) };
    const retailer = party('꽃담플라워', phone());
    const wholesaler = party('양재꽃상회', phone());
    // The retailer's sealed phone pasted onto the wholesaler: bound to the retailer's id, it does not open.
    const swapped = connectionRequested(retailer, { ...wholesaler, sealedPhone: retailer.sealedPhone });
    await h.produce('account.verification.requested', wrongKey.verificationId, wrongKey);
    await h.produce('connection.requested', swapped.connectionId, swapped);
    // Earlier tests dead-letter onto these topics too: wait for ours by key.
    const keys = [wrongKey.verificationId, swapped.connectionId];
    const letters = await waitFor(async () => {
      const all = await h.deadLetters(['account.verification.requested', 'connection.requested'], 1, 5_000).catch(() => []);
      const ours = all.filter((m) => keys.includes(m.key ?? ''));
      return ours.length === 2 ? ours : undefined;
    }, { timeoutMs: 60_000, description: 'both events dead-lettered' });
    for (const letter of letters) expect(letter.headers['dlq-error-code']).toBe('sealed-value-unreadable');
    const recorded = await query(h.databaseUrl, `select 1 from "${h.schema}".delivery where event_id = any($1::uuid[])`, [[wrongKey.eventId, swapped.eventId]]);
    expect(recorded).toHaveLength(0);
    expect(sentTo(to)).toHaveLength(0);
  });
});

describe('notifier internal API (the delivery log for administrators)', () => {
  const admin = actorHeaders({ accountId: randomUUID(), role: 'ADMIN' });
  const auth = () => ({ authorization: `Bearer ${h.token}` });
  const get = (path: string, headers: Record<string, string> = { ...auth(), ...admin }) => fetch(`${h.url}${path}`, { headers });

  it('When the token or an admin actor is missing, then the log is refused with a problem', async () => {
    const noToken = await get('/internal/v1/deliveries', admin);
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('content-type')).toContain('application/problem+json');
    expect(((await noToken.json()) as { code: string }).code).toBe('unauthenticated');
    expect((await get('/internal/v1/deliveries', { authorization: 'Bearer wrong-token-0123456789', ...admin })).status).toBe(401);
    const noActor = await get('/internal/v1/deliveries', auth());
    expect(noActor.status).toBe(403);
    expect(((await noActor.json()) as { code: string }).code).toBe('admin-required');
    const retailer = await get('/internal/v1/deliveries', { ...auth(), ...actorHeaders({ accountId: randomUUID(), role: 'RETAILER' }) });
    expect(retailer.status).toBe(403);
  });

  it('When an admin lists deliveries by phone, then the items are masked and the detail shows attempts and the masked code', async () => {
    const to = phone();
    answers.set(to, (r) => (r.previousRequests === 0 ? { status: 502 } : { status: 202 }));
    const event = verificationRequested(to, '907311', 'PASSWORD_RESET');
    await h.produce('account.verification.requested', event.verificationId, event);
    await settled(to, 1);

    const list = await get(`/internal/v1/deliveries?phone=${to}&status=SENT&template=verification-code&page=0&size=10`);
    expect(list.status).toBe(200);
    const page = (await list.json()) as { items: Array<Record<string, unknown>>; page: number; size: number; total: number };
    expect(page).toMatchObject({ page: 0, size: 10, total: 1 });
    const [item] = page.items;
    expect(item).toMatchObject({
      eventId: event.eventId,
      template: 'verification-code',
      recipient: `${to.slice(0, 3)}****${to.slice(-4)}`,
      type: 'SMS',
      provider: 'sens',
      status: 'SENT',
      attempts: 2,
      providerStatus: '202',
      providerMessage: 'success',
    });
    expect(typeof item?.requestId).toBe('string');
    expect(JSON.stringify(page)).not.toContain(to);

    const detail = (await (await get(`/internal/v1/deliveries/${String(item?.id)}`)).json()) as Record<string, unknown>;
    expect(detail.text).toBe('[마켓빌] 비밀번호 재설정 인증번호는 ******입니다. 5분 안에 입력해 주세요.');
    expect(detail.attempts).toEqual([
      expect.objectContaining({ outcome: 'PROVIDER_ERROR', httpStatus: 502, providerMessage: 'fail' }),
      expect.objectContaining({ outcome: 'ACCEPTED', httpStatus: 202, providerMessage: 'success' }),
    ]);
    expect(JSON.stringify(detail)).not.toContain('907311');
    expect(JSON.stringify(detail)).not.toContain(to);

    const byEvent = (await (await get(`/internal/v1/deliveries?eventId=${event.eventId}`)).json()) as { total: number };
    expect(byEvent.total).toBe(1);
    const none = (await (await get(`/internal/v1/deliveries?phone=${to}&status=FAILED`)).json()) as { total: number };
    expect(none.total).toBe(0);
  });

  it('When the log is paged and filtered by time, then totals and pages agree, newest first', async () => {
    const all = (await (await get('/internal/v1/deliveries?size=100')).json()) as { items: Array<{ createdAt: string }>; total: number };
    expect(all.total).toBeGreaterThanOrEqual(5);
    const times = all.items.map((i) => i.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const first = (await (await get('/internal/v1/deliveries?size=2&page=0')).json()) as { items: unknown[]; total: number };
    const second = (await (await get('/internal/v1/deliveries?size=2&page=1')).json()) as { items: unknown[]; total: number };
    expect(first.items).toHaveLength(2);
    expect(first.total).toBe(all.total);
    expect(second.items).toEqual(all.items.slice(2, 4));
    const future = (await (await get(`/internal/v1/deliveries?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).json()) as { total: number };
    expect(future.total).toBe(0);
  });

  it('When the query or id is malformed or unknown, then the answer is a 400 or 404 problem with a stable code', async () => {
    const bad = await get('/internal/v1/deliveries?status=LOST&size=1000&colour=red');
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { code: string; errors: Array<{ path: string }> };
    expect(problem.code).toBe('validation-failed');
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['query', 'query.size', 'query.status']);
    const unknown = await get(`/internal/v1/deliveries/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('delivery-not-found');
    expect((await get('/internal/v1/deliveries/not-a-uuid')).status).toBe(400);
  });
});
