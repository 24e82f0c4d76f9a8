const WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/**
 * A Korean business registration number (사업자등록번호): 10 digits, dashes allowed
 * (`220-81-62517`), whose last digit is the check digit of the National Tax Service algorithm:
 * weighted sum of the first nine digits (1,3,7,1,3,7,1,3,5) plus ⌊9th digit × 5 / 10⌋, and the
 * check digit is (10 − sum mod 10) mod 10. Answers the 10 digits, or undefined when invalid.
 */
export function normaliseBusinessNumber(input: string): string | undefined {
  const digits = input.replace(/-/g, '');
  if (!/^\d{10}$/.test(digits)) return undefined;
  const d = [...digits].map(Number);
  let sum = 0;
  WEIGHTS.forEach((w, i) => (sum += (d[i] as number) * w));
  sum += Math.floor(((d[8] as number) * 5) / 10);
  return (10 - (sum % 10)) % 10 === d[9] ? digits : undefined;
}
