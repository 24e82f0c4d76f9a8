import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '@marketbill/platform';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
  takeOverIdempotencyKey,
  type IdempotencyClaim,
  type SessionToCheck,
} from '../data-access/idempotency-repository';
import { AuthError, IdempotencyError } from '../domain/ordering-errors';
import type { UseCaseContext } from './context';

const KEY = /^[\x21-\x7e]{1,255}$/;
/**
 * A claim is taken over as soon as its owner process is gone (its presence lock released); a claim
 * whose owner still runs but has not finished after this long (a hung request) may be taken too.
 */
const ABANDONED_AFTER_MS = 60_000;

export interface Replay {
  status: number;
  body: unknown;
}

/**
 * `Idempotency-Key` on POSTs that create things, per account: the first request claims the key;
 * its change and its answer commit in one transaction (the context's `tx` stores the body before
 * committing), so "created but answer lost" cannot happen. A retry with the same key and the same
 * request gets the stored answer and changes nothing; the same key with a different request is
 * refused (422 idempotency-key-reused); a retry while the first is still running gets 409
 * idempotency-key-in-flight. A request that fails releases its claim, so it can be retried. A
 * claim records the process that holds it: when that process dies (killed, crashed) a retry takes
 * the claim over at once instead of waiting out a fixed minute.
 *
 * The use case must make its change in exactly one `ctx.tx` whose result is what `respond` renders,
 * or in one statement that stores `ctx.answer(result)` with it (placing an order).
 *
 * `session`: the caller's session, not yet checked (see Authenticate.deferred): the claim's statement
 * checks it first and claims only for a live one; a revoked session gets 401 `session-revoked` and
 * claims nothing, as if it had been checked before.
 */
export async function runIdempotent(
  ctx: UseCaseContext,
  owner: number,
  accountId: string,
  rawKey: string,
  request: { method: string; path: string; body: unknown },
  status: number,
  respond: (result: unknown) => unknown,
  run: (ctx: UseCaseContext) => Promise<unknown>,
  session?: SessionToCheck & { settle(live: boolean): void },
): Promise<Replay> {
  if (!KEY.test(rawKey)) throw ValidationError.field('Idempotency-Key', '1–255 printable ASCII characters.');
  const requestHash = createHash('sha256').update(JSON.stringify([request.method, request.path, request.body ?? null])).digest('hex');
  const claimed = await claimIdempotencyKey(ctx.em, accountId, rawKey, requestHash, owner, session ? { sessionId: session.sessionId, at: session.at } : undefined);
  session?.settle(!('sessionRevoked' in claimed));
  if ('sessionRevoked' in claimed) throw AuthError.sessionRevoked();
  let claim: IdempotencyClaim;
  if ('token' in claimed) {
    claim = claimed;
  } else {
    if (claimed.requestHash !== requestHash) throw IdempotencyError.keyReused();
    if (claimed.statusCode !== null) return { status: claimed.statusCode, body: claimed.response };
    const tookOver = await takeOverIdempotencyKey(ctx.em, accountId, rawKey, owner, new Date(Date.now() - ABANDONED_AFTER_MS));
    if (!tookOver) throw IdempotencyError.inFlight();
    claim = tookOver;
  }
  let body: unknown;
  const idempotentCtx: UseCaseContext = {
    ...ctx,
    tx: <T>(work: (em: EntityManager) => Promise<T>) =>
      ctx.em.fork().transactional(async (em) => {
        const result = await work(em);
        body = respond(result);
        await completeIdempotencyKey(em, accountId, rawKey, claim, status, body ?? null);
        return result;
      }),
    // A one-statement change stores the answer itself (see UseCaseContext.answer).
    answer: (result) => {
      body = respond(result);
      return { accountId, key: rawKey, statusCode: status, response: body ?? null, claimToken: claim.token };
    },
  };
  try {
    await run(idempotentCtx);
  } catch (error) {
    await releaseIdempotencyKey(ctx.em, accountId, rawKey, claim).catch(() => undefined);
    throw error;
  }
  return { status, body };
}
