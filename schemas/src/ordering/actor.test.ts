import { describe, expect, it } from '@jest/globals';
import { parseActor, ROLES } from './actor';

const id = '3f8a9b0c-1d2e-4f5a-8b6c-7d8e9f0a1b2c';

describe('the actor contract', () => {
  it('When a decoded header names an account and a role, then it is the actor, without unknown keys', () => {
    expect(parseActor({ accountId: id, role: 'RETAILER', extra: 'dropped' })).toEqual({ accountId: id, role: 'RETAILER' });
    expect(parseActor({ accountId: id, role: 'WHOLESALER_STAFF', wholesalerId: id })).toEqual({ accountId: id, role: 'WHOLESALER_STAFF', wholesalerId: id });
    for (const role of ROLES) expect(parseActor({ accountId: id, role })?.role).toBe(role);
  });

  it('When the id, the role or the wholesaler is not valid, then there is no actor', () => {
    for (const value of [null, 'x', [], {}, { accountId: 'not-a-uuid', role: 'ADMIN' }, { accountId: id, role: 'OWNER' }, { accountId: id, role: 'RETAILER', wholesalerId: null }, { accountId: id, role: 'RETAILER', wholesalerId: '12' }]) {
      expect(parseActor(value)).toBeUndefined();
    }
  });
});
