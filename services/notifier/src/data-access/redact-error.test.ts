import { describe, expect, it } from '@jest/globals';
import { DeadlockException } from '@mikro-orm/core';
import { redactError } from './redact-error';

describe('redacting secrets from driver errors', () => {
  it('When a driver error carries the bound values, then the secret is masked everywhere and the error keeps its class and code', () => {
    const driver = Object.assign(new Error(`insert into delivery … '[{"secret_text":"인증번호는 482913입니다"}]' - deadlock detected`), { code: '40P01' });
    const error = new DeadlockException(driver);
    const cause = new Error('first try: 482913');
    (error as Error).cause = cause;
    const redacted = redactError(error, ['482913']);
    expect(redacted).toBe(error);
    expect(redacted).toBeInstanceOf(DeadlockException);
    expect(redacted.code).toBe('40P01');
    expect(redacted.message).toContain('인증번호는 ******입니다');
    expect(JSON.stringify({ message: redacted.message, stack: redacted.stack, cause: cause.message })).not.toContain('482913');
  });

  it('When there is no secret, then the error is left alone', () => {
    const error = new Error('123456');
    expect(redactError(error, []).message).toBe('123456');
  });
});
