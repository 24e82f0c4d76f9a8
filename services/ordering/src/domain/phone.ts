/**
 * Korean mobile numbers are the sign-in identifier. Accepts `010-1234-5678`, `010 1234 5678`,
 * `+82 10-1234-5678` and `01012345678`; answers the normalised `01012345678`, or undefined.
 */
export function normalisePhone(input: string): string | undefined {
  let digits = input.replace(/[\s-]/g, '');
  if (digits.startsWith('+82')) digits = `0${digits.slice(3)}`;
  return /^01[016789]\d{7,8}$/.test(digits) ? digits : undefined;
}
