import { describe, expect, it } from '@jest/globals';
import { assertCancellable, assertFulfilmentTransition, orderTotals } from './order';

describe('orders', () => {
  it('When some lines are priced, then the total is Σ quantity × unit price over them and the state says PARTIAL', () => {
    expect(orderTotals([{ quantity: 10, unitPrice: 1300 }, { quantity: 3, unitPrice: null }])).toEqual({ total: 13_000, priceState: 'PARTIAL' });
    expect(orderTotals([{ quantity: 1, unitPrice: null }])).toEqual({ total: 0, priceState: 'UNPRICED' });
    expect(orderTotals([{ quantity: 2, unitPrice: 0 }])).toEqual({ total: 0, priceState: 'PRICED' });
  });
  it('When anything is priced, or the order is cancelled, then it cannot be cancelled', () => {
    expect(() => assertCancellable({ status: 'PLACED' }, [{ unitPrice: null }])).not.toThrow();
    expect(() => assertCancellable({ status: 'PLACED' }, [{ unitPrice: 0 }])).toThrow(expect.objectContaining({ code: 'order-priced' }));
    expect(() => assertCancellable({ status: 'CANCELLED' }, [])).toThrow(expect.objectContaining({ code: 'order-cancelled' }));
  });
  it('When fulfilment moves, then only PENDING → READY → PICKED_UP/DELIVERED by method is allowed', () => {
    expect(() => assertFulfilmentTransition('PICKUP', 'PENDING', 'READY')).not.toThrow();
    expect(() => assertFulfilmentTransition('PICKUP', 'READY', 'PICKED_UP')).not.toThrow();
    expect(() => assertFulfilmentTransition('PICKUP', 'READY', 'DELIVERED')).toThrow();
    expect(() => assertFulfilmentTransition('DELIVERY', 'PENDING', 'DELIVERED')).toThrow();
    expect(() => assertFulfilmentTransition('DELIVERY', 'DELIVERED', 'READY')).toThrow();
  });
});
