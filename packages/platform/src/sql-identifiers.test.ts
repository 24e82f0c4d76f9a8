import { describe, expect, it } from '@jest/globals';
import { qualifiedTable, quoteIdentifier } from './sql-identifiers';

describe('SQL identifier quoting', () => {
  it('wraps a plain name in double quotes', () => {
    expect(quoteIdentifier('ordering')).toBe('"ordering"');
  });

  it('doubles a double quote inside the name, so it cannot end the identifier early', () => {
    expect(quoteIdentifier('a"; drop table x; --')).toBe('"a""; drop table x; --"');
  });

  it('qualifies a table with its schema, both quoted', () => {
    expect(qualifiedTable('test_ordering_1', 'order')).toBe('"test_ordering_1"."order"');
    expect(qualifiedTable('we"ird', 'cart_line')).toBe('"we""ird"."cart_line"');
  });
});
