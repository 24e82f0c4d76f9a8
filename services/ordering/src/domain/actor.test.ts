import { describe, expect, it } from '@jest/globals';
import { actingWholesaler, canSee, owningWholesaler } from './actor';

describe('who acts for whom', () => {
  it('When staff act, then they act for their owner but may not do owner-only things; retailers see only their own', () => {
    const staff = { accountId: 's', role: 'WHOLESALER_STAFF' as const, wholesalerId: 'w' };
    expect(actingWholesaler(staff)).toBe('w');
    expect(() => owningWholesaler(staff)).toThrow(expect.objectContaining({ code: 'owner-only' }));
    expect(canSee(staff, { retailerId: 'r', wholesalerId: 'w' })).toBe(true);
    expect(canSee({ accountId: 'r2', role: 'RETAILER' }, { retailerId: 'r', wholesalerId: 'w' })).toBe(false);
    expect(() => actingWholesaler({ accountId: 'r', role: 'RETAILER' })).toThrow(expect.objectContaining({ code: 'role-forbidden' }));
  });
});
