import { describe, expect, it } from '@jest/globals';
import { UnsendableEventError } from './notifier-errors';
import {
  connectionDecidedNotice,
  connectionRequestedNotice,
  orderMilestoneNotices,
  orderPlacedNotice,
  statementIssuedNotice,
  verificationNotice,
  type OrderInfo,
} from './notices';
import { createWebLinks } from './web-links';

const links = createWebLinks('https://marketbill.kr/');
const retailer = { id: 'r-1', name: '꽃담플라워', phone: '01012345678' };
const wholesaler = { id: 'w-1', name: '양재꽃상회', phone: '01098765432' };

function order(overrides: Partial<OrderInfo> = {}): OrderInfo {
  return {
    orderId: 'o-1',
    orderNumber: '261126-000042',
    version: 1,
    status: 'PLACED',
    placement: 'MANUAL',
    retailer,
    wholesaler,
    fulfilmentMethod: 'PICKUP',
    fulfilmentState: 'PENDING',
    priceState: 'UNPRICED',
    total: 0,
    itemCount: 1,
    totalQuantity: 10,
    ...overrides,
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof UnsendableEventError ? error.code : 'other';
  }
  return undefined;
}

describe('notices from events', () => {
  it('When a verification is requested, then the code goes to that phone, expires with the code and dedupes per verification', () => {
    const n = verificationNotice({ verificationId: 'v-1', phone: '01012345678', code: '123456', purpose: 'SIGN_UP', notice: 'CODE', occurredAt: 0, expiresAt: 300_000 });
    expect(n).toMatchObject({ template: 'verification-code', recipient: '01012345678', dedupeKey: 'verification:v-1', expiresAt: new Date(300_000) });
    expect(n.variables).toEqual({ purpose: 'SIGN_UP', code: '123456', validMinutes: 5 });
  });

  it('When someone tried to sign up with a registered number, then its owner gets the notice, without any code', () => {
    const n = verificationNotice({ verificationId: 'v-2', phone: '01012345678', code: '', purpose: 'SIGN_UP', notice: 'ALREADY_REGISTERED', occurredAt: 0, expiresAt: 300_000 });
    expect(n).toMatchObject({ template: 'sign-up-attempted', recipient: '01012345678', dedupeKey: 'verification:v-2', variables: {} });
  });

  it('When the phone is not a mobile number or the purpose is unknown, then the event is unsendable (dead letter)', () => {
    const base = { verificationId: 'v', code: '1', purpose: 'SIGN_UP', notice: 'CODE', occurredAt: 0, expiresAt: 1 };
    expect(codeOf(() => verificationNotice({ ...base, phone: '0212345678' }))).toBe('sms-invalid-recipient');
    expect(codeOf(() => verificationNotice({ ...base, phone: '010-1234-5678' }))).toBe('sms-invalid-recipient');
    expect(codeOf(() => verificationNotice({ ...base, phone: '01012345678', purpose: 'LOGIN' }))).toBe('sms-unknown-value');
  });

  it('When a retailer applies, then the wholesaler is told with a link to the wholesale connections page', () => {
    const n = connectionRequestedNotice({ connectionId: 'c', retailer, wholesaler }, links);
    expect(n).toMatchObject({ template: 'connection-requested', recipient: wholesaler.phone, dedupeKey: null });
    expect(n.variables).toEqual({ retailerName: '꽃담플라워', link: 'https://marketbill.kr/wholesale/connections' });
  });

  it('When a connection is decided, then the retailer hears approved or rejected; another decision is unsendable', () => {
    expect(connectionDecidedNotice({ connectionId: 'c', retailer, wholesaler, decision: 'CONFIRMED' }, links)).toMatchObject({
      template: 'connection-approved',
      recipient: retailer.phone,
      variables: { link: 'https://marketbill.kr/retail/wholesalers/w-1' },
    });
    expect(connectionDecidedNotice({ connectionId: 'c', retailer, wholesaler, decision: 'REJECTED' }, links).template).toBe('connection-rejected');
    expect(codeOf(() => connectionDecidedNotice({ connectionId: 'c', retailer, wholesaler, decision: 'MAYBE' }, links))).toBe('sms-unknown-value');
  });

  it('When an order is placed, then the wholesaler is told once per order', () => {
    expect(orderPlacedNotice(order({ placement: 'CUTOFF' }), links)).toMatchObject({
      template: 'order-placed',
      recipient: wholesaler.phone,
      dedupeKey: 'order-placed:o-1',
      variables: { atCutoff: true, itemCount: 1, totalQuantity: 10, link: 'https://marketbill.kr/wholesale/orders/o-1' },
    });
  });

  it('When a snapshot is partly priced and pending, then the retailer hears nothing', () => {
    expect(orderMilestoneNotices(order({ priceState: 'PARTIAL' }), links)).toEqual([]);
  });

  it('When a snapshot is fully priced, then "priced" goes to the retailer, deduplicated per order', () => {
    const [n] = orderMilestoneNotices(order({ priceState: 'PRICED', total: 130_000 }), links);
    expect(n).toMatchObject({ template: 'order-priced', recipient: retailer.phone, dedupeKey: 'order-priced:o-1', variables: { total: 130_000 } });
  });

  it('When a priced snapshot is already delivered, then "priced" and "delivered" go, and never a stale "ready"', () => {
    const notices = orderMilestoneNotices(order({ priceState: 'PRICED', fulfilmentMethod: 'DELIVERY', fulfilmentState: 'DELIVERED' }), links);
    expect(notices.map((n) => n.template)).toEqual(['order-priced', 'order-delivered']);
    expect(notices.map((n) => n.dedupeKey)).toEqual(['order-priced:o-1', 'order-delivered:o-1']);
  });

  it('When a snapshot is READY or PICKED_UP, then the matching notice goes with the fulfilment method', () => {
    expect(orderMilestoneNotices(order({ fulfilmentState: 'READY', fulfilmentMethod: 'DELIVERY' }), links)[0]).toMatchObject({
      template: 'order-ready',
      variables: { method: 'DELIVERY' },
    });
    expect(orderMilestoneNotices(order({ fulfilmentState: 'PICKED_UP' }), links)[0]?.template).toBe('order-picked-up');
  });

  it('When an order is cancelled, then nothing is announced', () => {
    expect(orderMilestoneNotices(order({ status: 'CANCELLED', priceState: 'PRICED', fulfilmentState: 'READY' }), links)).toEqual([]);
  });

  it('When a milestone is due but the retailer number is not a mobile number, then the event is unsendable', () => {
    expect(codeOf(() => orderMilestoneNotices(order({ priceState: 'PRICED', retailer: { ...retailer, phone: '' } }), links))).toBe('sms-invalid-recipient');
  });

  it('When a statement is issued or re-issued, then the retailer gets a link to the statement page, once per statement', () => {
    const s = { statementId: 's-1', statementNumber: '2611-00017', version: 2, wholesaler, retailer, total: 130_000, balance: 130_000 };
    expect(statementIssuedNotice(s, links)).toMatchObject({
      template: 'statement-issued',
      recipient: retailer.phone,
      dedupeKey: 'statement-issued:s-1',
      variables: { reissued: true, link: 'https://marketbill.kr/retail/statements/s-1' },
    });
  });
});
