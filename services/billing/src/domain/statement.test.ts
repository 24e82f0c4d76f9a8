import { describe, expect, it } from '@jest/globals';
import type { OrderSheet } from './order-sheet';
import {
  firstIssueFigures,
  formatStatementNumber,
  reissueFigures,
  statementObjectKey,
  statementPeriod,
  statementTotal,
  toStatementLines,
} from './statement';

const party = (id: string) => ({ id, name: id, phone: null, sealedPhone: `sealed-${id}` });

function order(orderNumber: string, lines: OrderSheet['lines']): OrderSheet {
  return {
    orderId: `id-${orderNumber}`,
    orderNumber,
    version: 2,
    status: 'PLACED',
    saleDay: '2026-11-26',
    placedAt: new Date('2026-11-25T20:00:00Z'),
    wholesaler: party('w'),
    retailer: party('r'),
    lines,
  };
}

describe('statement lines and totals', () => {
  it('When order sheets become statement lines, then orders go by number, lines keep their order and amounts are quantity × unit price', () => {
    const lines = toStatementLines([
      order('261126-000002', [{ lineId: 'c', kind: 'SHIPPING_FEE', itemName: '배송비', varietyName: '', grade: null, quantity: 1, unitPrice: 5_000, memo: null }]),
      order('261126-000001', [
        { lineId: 'a', kind: 'ITEM', itemName: '장미', varietyName: '레드나오미', grade: 'UPPER', quantity: 10, unitPrice: 13_000, memo: null },
        { lineId: 'b', kind: 'CUSTOM', itemName: '포장지', varietyName: ' 크라프트 ', grade: null, quantity: 3, unitPrice: 700, memo: '두껍게' },
      ]),
    ]);
    expect(lines.map((l) => [l.lineId, l.item, l.spec, l.amount])).toEqual([
      ['a', '장미 레드나오미', '상', 130_000],
      ['b', '포장지 크라프트', '', 2_100],
      ['c', '배송비', '', 5_000],
    ]);
    expect(statementTotal(lines)).toBe(137_100);
  });

  it('When a line is unpriced, then no statement line can be made from it', () => {
    expect(() => toStatementLines([order('1', [{ lineId: 'x', kind: 'ITEM', itemName: '장미', varietyName: '', grade: 'LOWER', quantity: 1, unitPrice: null, memo: null }])])).toThrow(/unpriced/);
  });
});

describe('ledger figures', () => {
  it('When a first issue follows payments, then 전잔액 is the balance carried from the last statement and 잔액 = 전잔액 + 합계 − 입금', () => {
    // Balance now 80,000 after a 50,000 payment on a 130,000 statement.
    expect(firstIssueFigures(80_000, 50_000, 70_000)).toEqual({ previousBalance: 130_000, total: 70_000, payments: 50_000, balance: 150_000 });
  });

  it('When nothing was billed before, then every figure but 합계 starts at zero', () => {
    expect(firstIssueFigures(0, 0, 12_000)).toEqual({ previousBalance: 0, total: 12_000, payments: 0, balance: 12_000 });
  });

  it('When a payment came before the first statement, then it is printed as 입금 on it', () => {
    expect(firstIssueFigures(-10_000, 10_000, 30_000)).toEqual({ previousBalance: 0, total: 30_000, payments: 10_000, balance: 20_000 });
  });

  it('When a statement is re-issued, then 전잔액 and 입금 stay those of the version it replaces', () => {
    const v1 = { previousBalance: 100_000, total: 50_000, payments: 20_000, balance: 130_000 };
    expect(reissueFigures(v1, 45_000)).toEqual({ previousBalance: 100_000, total: 45_000, payments: 20_000, balance: 125_000 });
  });
});

describe('numbers and keys', () => {
  it('When a number is made, then it reads YYMM-NNNNN of the Seoul issue day', () => {
    expect(formatStatementNumber('2026-11-26', 17)).toBe('2611-00017');
    expect(statementPeriod('2027-01-01')).toBe('2701');
    expect(() => formatStatementNumber('2026-11-26', 0)).toThrow(RangeError);
  });

  it('When versions of one number are stored, then each has its own key', () => {
    const v1 = statementObjectKey('w', '2611-00017', 1, 'a');
    const v2 = statementObjectKey('w', '2611-00017', 2, 'b');
    expect(v1).toBe('statements/w/2611-00017/v1-a.pdf');
    expect(v2).not.toBe(v1);
  });
});
