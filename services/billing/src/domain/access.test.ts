import { describe, expect, it } from '@jest/globals';
import type { Actor } from '@marketbill/schemas';
import { assertActsForWholesaler, assertMayIssue, maySee, scopeQuery } from './access';

const W = '11111111-1111-4111-8111-111111111111';
const R = '22222222-2222-4222-8222-222222222222';
const owner: Actor = { accountId: W, role: 'WHOLESALER_OWNER', wholesalerId: W };
const staff: Actor = { accountId: '33333333-3333-4333-8333-333333333333', role: 'WHOLESALER_STAFF', wholesalerId: W };
const retailer: Actor = { accountId: R, role: 'RETAILER' };
const admin: Actor = { accountId: '44444444-4444-4444-8444-444444444444', role: 'ADMIN' };

describe('who may do what', () => {
  it('When someone other than the owner issues, then it is refused with statement-issue-forbidden', () => {
    expect(assertMayIssue(owner)).toBe(W);
    for (const actor of [staff, retailer, admin]) expect(() => assertMayIssue(actor)).toThrow(expect.objectContaining({ code: 'statement-issue-forbidden', httpStatus: 403 }));
  });

  it('When payments are recorded, then owner and staff may and the others may not', () => {
    expect(assertActsForWholesaler(staff)).toBe(W);
    expect(() => assertActsForWholesaler(retailer)).toThrow(expect.objectContaining({ httpStatus: 403 }));
  });

  it('When a pair is read, then its wholesaler’s people, its retailer and admins see it', () => {
    const pair = { wholesalerId: W, retailerId: R };
    expect([owner, staff, retailer, admin].map((a) => maySee(a, pair))).toEqual([true, true, true, true]);
    expect(maySee({ ...retailer, accountId: W }, pair)).toBe(false);
    expect(maySee({ ...owner, wholesalerId: R }, pair)).toBe(false);
  });

  it('When a list names someone else, then it is refused; otherwise it is narrowed to the actor', () => {
    expect(scopeQuery(retailer, {})).toEqual({ retailerId: R });
    expect(scopeQuery(staff, { retailerId: R })).toEqual({ wholesalerId: W, retailerId: R });
    expect(() => scopeQuery(retailer, { retailerId: W })).toThrow(expect.objectContaining({ httpStatus: 403 }));
    expect(() => scopeQuery(owner, { wholesalerId: R })).toThrow(expect.objectContaining({ httpStatus: 403 }));
    expect(scopeQuery(admin, {})).toEqual({});
  });
});
