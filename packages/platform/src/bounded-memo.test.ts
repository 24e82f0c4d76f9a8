import { describe, expect, it } from '@jest/globals';
import { createBoundedMemo } from './bounded-memo';

/** A memo of `compute` that counts the calls it makes. */
function counted<V>(limit: number, compute: (key: string) => V) {
  const calls: string[] = [];
  const memo = createBoundedMemo(limit, (key: string) => {
    calls.push(key);
    return compute(key);
  });
  return { memo, calls };
}

describe('createBoundedMemo', () => {
  it('When a key is asked for twice, then the computed value is returned both times and computed once', () => {
    const { memo, calls } = counted(10, (key) => ({ upper: key.toUpperCase() }));
    const first = memo.get('rose');
    expect(first).toEqual({ upper: 'ROSE' });
    expect(memo.get('rose')).toBe(first);
    expect(memo.get('tulip')).toEqual({ upper: 'TULIP' });
    expect(calls).toEqual(['rose', 'tulip']);
    expect(memo.size).toBe(2);
  });

  it('When many more keys arrive than the limit, then the memo never holds more than the limit and still answers each one', () => {
    const { memo } = counted(100, (key) => `${key}!`);
    let largest = 0;
    for (let i = 0; i < 1_000; i++) {
      expect(memo.get(`k${i}`)).toBe(`k${i}!`);
      largest = Math.max(largest, memo.size);
    }
    expect(largest).toBe(100);
    expect(memo.size).toBeLessThanOrEqual(100);
  });

  it('When the limit is reached, then everything is forgotten and a key asked again is computed again', () => {
    const { memo, calls } = counted(3, (key) => key.length);
    for (const key of ['a', 'bb', 'ccc']) memo.get(key);
    expect(memo.size).toBe(3);
    memo.get('a'); // a hit: nothing cleared
    expect(calls).toEqual(['a', 'bb', 'ccc']);
    expect(memo.get('dddd')).toBe(4); // the fourth key clears the memo and is remembered alone
    expect(memo.size).toBe(1);
    expect(memo.get('a')).toBe(1);
    expect(calls).toEqual(['a', 'bb', 'ccc', 'dddd', 'a']);
    expect(memo.size).toBe(2);
  });

  it('When the computed value is false or undefined, then it is remembered like any other', () => {
    const { memo, calls } = counted(10, (key) => (key === 'none' ? undefined : false));
    expect(memo.get('none')).toBeUndefined();
    expect(memo.get('none')).toBeUndefined();
    expect(memo.get('no')).toBe(false);
    expect(memo.get('no')).toBe(false);
    expect(calls).toEqual(['none', 'no']);
  });

  it('When compute throws, then nothing is remembered and the next ask computes again', () => {
    let fail = true;
    const { memo, calls } = counted(10, (key) => {
      if (fail) throw new Error(`cannot compute ${key}`);
      return key;
    });
    expect(() => memo.get('x')).toThrow('cannot compute x');
    expect(memo.size).toBe(0);
    fail = false;
    expect(memo.get('x')).toBe('x');
    expect(calls).toEqual(['x', 'x']);
  });

  it('When the limit is not a positive integer, then the memo is refused', () => {
    expect(() => createBoundedMemo(0, String)).toThrow(RangeError);
    expect(() => createBoundedMemo(1.5, String)).toThrow(RangeError);
    expect(() => createBoundedMemo(Number.NaN, String)).toThrow(RangeError);
  });
});
