/**
 * The password policy: 8 to 128 characters, at least one letter and one digit, no whitespace,
 * and not containing the account's phone number (the first thing an attacker tries).
 * Returns the broken rules; empty when the password is acceptable.
 */
export function passwordProblems(password: string, phone?: string): string[] {
  const problems: string[] = [];
  if (password.length < 8) problems.push('At least 8 characters.');
  if (password.length > 128) problems.push('At most 128 characters.');
  if (!/\p{L}/u.test(password)) problems.push('At least one letter.');
  if (!/\d/.test(password)) problems.push('At least one digit.');
  if (/\s/.test(password)) problems.push('No spaces.');
  if (phone && password.includes(phone.slice(3))) problems.push('Must not contain the phone number.');
  return problems;
}
