import { describe, expect, it } from '@jest/globals';
import { addCartLine, changeCartLine, type CartLine } from './cart';

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
