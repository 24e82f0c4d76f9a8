import { describe, expect, it } from '@jest/globals';
import type { Request, Response } from 'express';
import { requireInternalCaller } from './internal';
import { beginWarmUp, endWarmUp, isWarmUpRequest } from './warm-up';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** What `requireInternalCaller` decided: the caller it named, or the error it passed on. */
function callerOf(headers: Record<string, string>): { caller?: string; error?: string } {
  const req = { headers, get: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
  const res = { locals: {} as Record<string, unknown> } as unknown as Response;
  let error: string | undefined;
  requireInternalCaller({ ordering: 'ordering-token-0123456789' })(req, res, (e?: unknown) => {
    if (e) error = (e as { code?: string }).code ?? String(e);
  });
  return { ...(res.locals.internalCaller ? { caller: res.locals.internalCaller as string } : {}), ...(error ? { error } : {}) };
}

describe('a warm-up token', () => {
  it('is accepted only while its warm-up runs', () => {
    const token = beginWarmUp();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isWarmUpRequest(bearer(token))).toBe(true);
    expect(callerOf(bearer(token))).toEqual({ caller: 'warm-up' });
    endWarmUp(token);
    expect(isWarmUpRequest(bearer(token))).toBe(false);
    expect(callerOf(bearer(token))).toEqual({ error: 'invalid-token' });
  });

  it('is not guessed by a look-alike, and opens nothing when no warm-up runs', () => {
    expect(isWarmUpRequest(bearer('x'.repeat(43)))).toBe(false);
    const token = beginWarmUp();
    try {
      expect(isWarmUpRequest(bearer(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`))).toBe(false);
      expect(isWarmUpRequest(bearer(`${token}x`))).toBe(false);
      expect(isWarmUpRequest({ authorization: token })).toBe(false);
      expect(isWarmUpRequest({})).toBe(false);
      // The service's own callers are unaffected meanwhile.
      expect(callerOf(bearer('ordering-token-0123456789'))).toEqual({ caller: 'ordering' });
    } finally {
      endWarmUp(token);
    }
  });

  it('belongs to its own warm-up: ending one leaves another running', () => {
    const first = beginWarmUp();
    const second = beginWarmUp();
    expect(first).not.toBe(second);
    endWarmUp(first);
    expect(isWarmUpRequest(bearer(first))).toBe(false);
    expect(isWarmUpRequest(bearer(second))).toBe(true);
    endWarmUp(second);
  });
});
