import { describe, expect, it } from '@jest/globals';
import { signAccessToken, verifyAccessToken } from './access-token';
import { actingWholesaler, canSee, owningWholesaler } from './actor';
import { normaliseBusinessNumber } from './business-number';
import { addCartLine, changeCartLine, type CartLine } from './cart';
import { generateInvitationCode, hashPassword, normaliseInvitationCode, verifyPassword } from './credentials';
import { latestCutoff } from './cutoff';
import { assertCancellable, assertFulfilmentTransition, orderTotals } from './order';
import { formatOrderNumber } from './order-number';
import { passwordProblems } from './password-policy';
import { normalisePhone } from './phone';
import { buyerGradeOf, suggestPrice } from './price-suggestion';

describe('phone numbers', () => {
  it('When a number is written with dashes, spaces or +82, then it is normalised; anything else is refused', () => {
    expect(normalisePhone('010-1234-5678')).toBe('01012345678');
    expect(normalisePhone('+82 10 1234 5678')).toBe('01012345678');
    expect(normalisePhone('011-123-4567')).toBe('0111234567');
    expect(normalisePhone('02-579-1234')).toBeUndefined();
    expect(normalisePhone('0101234567890')).toBeUndefined();
  });
});

describe('password policy', () => {
  it('When a password is short, letter- or digit-less, spaced or holds the phone, then each broken rule is named', () => {
    expect(passwordProblems('flowers2026')).toEqual([]);
    expect(passwordProblems('abc')).toEqual(['At least 8 characters.', 'At least one digit.']);
    expect(passwordProblems('12345678')).toEqual(['At least one letter.']);
    expect(passwordProblems('flow ers 2026')).toEqual(['No spaces.']);
    expect(passwordProblems('a12345678', '01012345678')).toEqual(['Must not contain the phone number.']);
    expect(passwordProblems('꽃집비번2026')).toEqual([]);
  });
});

describe('business registration number', () => {
  it('When the check digit is right, then the 10 digits are answered; a wrong check digit or length is refused', () => {
    expect(normaliseBusinessNumber('220-81-62517')).toBe('2208162517');
    expect(normaliseBusinessNumber('2208162518')).toBeUndefined();
    expect(normaliseBusinessNumber('220816251')).toBeUndefined();
    expect(normaliseBusinessNumber('123-45-67891')).toBe('1234567891');
  });
});

describe('cart lines', () => {
  const lines: CartLine[] = [
    { id: 'a', varietyId: 'v1', grade: 'UPPER', quantity: 5, memo: null },
    { id: 'b', varietyId: 'v1', grade: 'MIDDLE', quantity: 2, memo: 'm' },
  ];
  it('When the same variety and grade is added, then the quantity is replaced, not added', () => {
    expect(addCartLine(lines, { varietyId: 'v1', grade: 'UPPER', quantity: 3 }, 'new')).toEqual({ kind: 'replaced', line: { ...lines[0], quantity: 3 } });
    expect(addCartLine(lines, { varietyId: 'v1', grade: 'LOWER', quantity: 1 }, 'new').kind).toBe('added');
  });
  it('When a line’s grade moves onto another line of the variety, then they merge; onto a free grade it just changes', () => {
    expect(changeCartLine(lines, lines[1] as CartLine, { grade: 'UPPER' })).toEqual({ kind: 'merged', line: { ...lines[0], quantity: 7, memo: 'm' }, removedId: 'b' });
    expect(changeCartLine(lines, lines[1] as CartLine, { grade: 'LOWER', quantity: 9 })).toEqual({ kind: 'updated', line: { ...lines[1], grade: 'LOWER', quantity: 9 } });
  });
});

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
  it('When an order number is made, then it is YYMMDD-NNNNNN of the Seoul day', () => {
    expect(formatOrderNumber('2026-11-26', 42)).toBe('261126-000042');
    expect(formatOrderNumber('2026-01-02', 1_234_567)).toBe('260102-1234567');
  });
});

describe('cutoff', () => {
  it('When it is 23:00 in Seoul, then the latest 22:00 cutoff is today; at 21:00 it is yesterday’s', () => {
    expect(latestCutoff(new Date('2026-11-25T14:00:00Z'), '22:00').toISOString()).toBe('2026-11-25T13:00:00.000Z');
    expect(latestCutoff(new Date('2026-11-25T12:00:00Z'), '22:00').toISOString()).toBe('2026-11-24T13:00:00.000Z');
    expect(latestCutoff(new Date('2026-11-25T16:30:00Z'), '01:15').toISOString()).toBe('2026-11-25T16:15:00.000Z');
  });
});

describe('price suggestions', () => {
  const prices = [
    { auctionGrade: '특1', saleDate: '2026-11-24', avgPrice: 13_000, totalQuantity: 100 },
    { auctionGrade: '특2', saleDate: '2026-11-24', avgPrice: 9_000, totalQuantity: 50 },
    { auctionGrade: '상', saleDate: '2026-11-20', avgPrice: 7_000, totalQuantity: 50 },
    { auctionGrade: '보통', saleDate: '2026-11-24', avgPrice: 5_000, totalQuantity: 10 },
  ];
  it('When auction grades are named, then they map onto buyer grades by band', () => {
    expect(buyerGradeOf('특1')).toBe('UPPER');
    expect(buyerGradeOf(' 특2 ')).toBe('MIDDLE');
    expect(buyerGradeOf('보통')).toBe('LOWER');
    expect(buyerGradeOf('A')).toBeUndefined();
  });
  it('When several auction grades fall in a band, then the latest day’s quantity-weighted average is suggested, rounded to 10 won', () => {
    expect(suggestPrice(prices, 'UPPER')).toEqual({ unitPrice: 13_000, basis: 'GRADE', saleDate: '2026-11-24', auctionGrades: ['특1'] });
    expect(suggestPrice(prices, 'MIDDLE')).toEqual({ unitPrice: 9_000, basis: 'GRADE', saleDate: '2026-11-24', auctionGrades: ['특2'] });
    expect(suggestPrice([{ auctionGrade: '1등', saleDate: 'd', avgPrice: 1001, totalQuantity: 1 }, { auctionGrade: '특', saleDate: 'd', avgPrice: 2000, totalQuantity: 3 }], 'UPPER')?.unitPrice).toBe(1750);
  });
  it('When no auction grade of the band traded, then all grades of the latest day are used; with no data, null', () => {
    expect(suggestPrice([{ auctionGrade: 'A', saleDate: 'd', avgPrice: 4000, totalQuantity: 0 }], 'LOWER')).toEqual({ unitPrice: 4000, basis: 'ALL_GRADES', saleDate: 'd', auctionGrades: ['A'] });
    expect(suggestPrice([], 'UPPER')).toBeNull();
  });
});

describe('access tokens and secrets', () => {
  const key = 'k'.repeat(32);
  it('When a token is signed, then it verifies to the same actor until it expires, and not with another key or a changed payload', () => {
    const actor = { accountId: 'acc', role: 'WHOLESALER_STAFF' as const, wholesalerId: 'w' };
    const { token } = signAccessToken(actor, 'session-1', key, 60, 1_000_000);
    expect(verifyAccessToken(token, key, 1_000_000 + 59_000)).toEqual({ actor, sessionId: 'session-1' });
    expect(verifyAccessToken(token, key, 1_000_000 + 60_000)).toBeUndefined();
    expect(verifyAccessToken(token, 'x'.repeat(32), 1_000_000)).toBeUndefined();
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'acc', role: 'ADMIN', sid: 'session-1', iat: 1, exp: 9e9, iss: 'marketbill-ordering' })).toString('base64url');
    expect(verifyAccessToken(`${h}.${forged}.${s}`, key, 1_000_000)).toBeUndefined();
    expect(verifyAccessToken('a.b', key)).toBeUndefined();
  });
  it('When a password is hashed, then only the same password verifies', async () => {
    const hash = await hashPassword('flowers2026', 1024);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('flowers2026', hash)).toBe(true);
    expect(await verifyPassword('flowers2027', hash)).toBe(false);
  });
  it('When an invitation code is typed in lower case with dashes, then it matches', () => {
    const code = generateInvitationCode();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
    expect(normaliseInvitationCode(`${code.slice(0, 5).toLowerCase()}-${code.slice(5)}`)).toBe(code);
  });
});

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
