import { describe, expect, it } from '@jest/globals';
import { generateInvitationCode, hashPassword, normaliseInvitationCode, verifyPassword } from './credentials';

describe('secrets', () => {
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
