/**
 * Integer arithmetic that never rounds. JavaScript numbers hold integers exactly only up to
 * 2^53 − 1; past that `a + b` and `a * b` silently round. These helpers compute in BigInt and
 * throw a RangeError when an operand or the result is not a safe integer, so an amount is either
 * exact or refused — never off by a few won. Business limits (e.g. a total ≤ 10^13) are checked
 * by the services on top of this.
 */
function toBig(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} is not a safe integer: ${value}`);
  return BigInt(value);
}

function toSafe(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError(`${what} is out of the safe integer range: ${value}`);
  return Number(value);
}

/** a + b, exactly, or a RangeError. */
export function addExact(a: number, b: number): number {
  return toSafe(toBig(a, 'addend') + toBig(b, 'addend'), 'sum');
}

/** a − b, exactly, or a RangeError. */
export function subtractExact(a: number, b: number): number {
  return toSafe(toBig(a, 'minuend') - toBig(b, 'subtrahend'), 'difference');
}

/** a × b, exactly, or a RangeError. */
export function multiplyExact(a: number, b: number): number {
  return toSafe(toBig(a, 'factor') * toBig(b, 'factor'), 'product');
}

/** Σ values, exactly (intermediate sums may pass 2^53; only the result must fit), or a RangeError. */
export function sumExact(values: Iterable<number>): number {
  let sum = 0n;
  for (const value of values) sum += toBig(value, 'term');
  return toSafe(sum, 'sum');
}
