import { describe, expect, it } from '@jest/globals';
import { line, profileUpdated, snapshot } from '../../testing/ordering-events';
import { toOrderSheet, toWholesalerProfile } from './from-ordering-events';

const W = '11111111-1111-4111-8111-111111111111';
const R = '22222222-2222-4222-8222-222222222222';

describe('mapping ordering events', () => {
  it('When a snapshot keeps the money rule, then it maps to billing’s order sheet', () => {
    const order = snapshot({ wholesaler: { id: W }, retailer: { id: R }, lines: [line({ quantity: 3, unitPrice: 1_500 }), line({ quantity: 1, unitPrice: null })] });
    const sheet = toOrderSheet('order.updated', order);
    expect(sheet.lines.map((l) => [l.quantity, l.unitPrice])).toEqual([
      [3, 1_500],
      [1, null],
    ]);
    expect(sheet.placedAt).toBeInstanceOf(Date);
  });

  it.each([
    ['an amount that is not quantity × unit price', { lines: [{ ...line({ quantity: 3, unitPrice: 1_500 }), amount: 4_000 }] }],
    ['an amount without a unit price', { lines: [{ ...line({ quantity: 3, unitPrice: null }), amount: 10 }] }],
    ['a zero quantity', { lines: [line({ quantity: 0, unitPrice: 1 })] }],
    ['a negative price', { lines: [line({ quantity: 1, unitPrice: -5 })] }],
    ['a wholesaler id that is not a UUID', { wholesaler: { id: 'x', name: 'a', phone: '010' } }],
    ['a bad sale day', { saleDay: '2026-13-40' }],
  ])('When a snapshot has %s, then it is refused as invalid-event-content', (_case, change) => {
    const order = { ...snapshot({ wholesaler: { id: W }, retailer: { id: R }, lines: [line({ quantity: 1, unitPrice: 1 })] }), ...change };
    expect(() => toOrderSheet('order.placed', order as never)).toThrow(expect.objectContaining({ code: 'invalid-event-content', retriable: false }));
  });

  it('When a profile names no valid wholesaler, then it is refused', () => {
    expect(toWholesalerProfile('wholesaler.profile.updated', profileUpdated(W)).companyName).toBe('양재꽃상회');
    expect(() => toWholesalerProfile('wholesaler.profile.updated', profileUpdated('nope'))).toThrow(expect.objectContaining({ code: 'invalid-event-content' }));
  });
});
