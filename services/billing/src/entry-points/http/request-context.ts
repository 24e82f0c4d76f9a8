import type { Request } from 'express';
import { readActorHeader, ValidationError } from '@marketbill/platform';
import { type Actor, parseActor } from '@marketbill/schemas';
import { ActorRequiredError } from '../../domain/billing-errors';

/** The acting user the edge named; every billing endpoint needs one. */
export function requireActor(req: Request): Actor {
  const actor = parseActor(readActorHeader(req));
  if (!actor) throw ActorRequiredError.missing();
  return actor;
}

const KEY = /^[\x21-\x7e]{1,200}$/;

/** The `Idempotency-Key` header (printable ASCII, at most 200 characters), if given. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!KEY.test(key)) throw ValidationError.field('Idempotency-Key', 'must be 1–200 printable ASCII characters');
  return key;
}
