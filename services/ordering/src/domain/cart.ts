import type { BuyerGrade } from './grade';

/** A line of a retailer's open cart. */
export interface CartLine {
  id: string;
  varietyId: string;
  grade: BuyerGrade;
  quantity: number;
  memo: string | null;
}

export type AddOutcome = { kind: 'added'; line: CartLine } | { kind: 'replaced'; line: CartLine };

/**
 * Adding a variety+grade that is already in the cart replaces that line's quantity (and memo when
 * one is given) instead of adding a second line: the retailer states how many they want, not how
 * many more. Pure: the caller persists the outcome.
 */
export function addCartLine(lines: readonly CartLine[], input: Omit<CartLine, 'id' | 'memo'> & { memo?: string | null }, newId: string): AddOutcome {
  const existing = lines.find((l) => l.varietyId === input.varietyId && l.grade === input.grade);
  if (existing) {
    return { kind: 'replaced', line: { ...existing, quantity: input.quantity, memo: input.memo === undefined ? existing.memo : input.memo } };
  }
  return { kind: 'added', line: { id: newId, varietyId: input.varietyId, grade: input.grade, quantity: input.quantity, memo: input.memo ?? null } };
}

export interface CartLineChange {
  quantity?: number;
  grade?: BuyerGrade;
  memo?: string | null;
}

export type ChangeOutcome =
  | { kind: 'updated'; line: CartLine }
  /** The line's grade moved onto another line of the same variety: that line keeps the sum, this one goes. */
  | { kind: 'merged'; line: CartLine; removedId: string };

/**
 * Changes a line. Moving a line's grade onto a variety+grade that another line holds merges the
 * two: the other line's quantity plus this line's (new) quantity, and this line is removed.
 */
export function changeCartLine(lines: readonly CartLine[], line: CartLine, change: CartLineChange): ChangeOutcome {
  const quantity = change.quantity ?? line.quantity;
  const grade = change.grade ?? line.grade;
  const memo = change.memo === undefined ? line.memo : change.memo;
  if (grade !== line.grade) {
    const target = lines.find((l) => l.id !== line.id && l.varietyId === line.varietyId && l.grade === grade);
    if (target) {
      return { kind: 'merged', line: { ...target, quantity: target.quantity + quantity, memo: target.memo ?? memo }, removedId: line.id };
    }
  }
  return { kind: 'updated', line: { ...line, quantity, grade, memo } };
}
