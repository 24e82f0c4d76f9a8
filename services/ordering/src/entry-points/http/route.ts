import type { z } from 'zod';
import type { OperationSpec } from '@marketbill/platform';
import type { Role } from '@marketbill/schemas';
import type { Actor } from '../../domain/actor';
import type { UseCaseContext } from '../../use-cases/context';

type AnyObject = z.ZodObject<z.ZodRawShape>;

/** What a handler gets: parsed input, the authenticated actor and a use-case context. */
export interface RouteInput<P extends AnyObject | undefined, Q extends AnyObject | undefined, B extends z.ZodType | undefined> {
  params: P extends AnyObject ? z.output<P> : Record<string, never>;
  query: Q extends AnyObject ? z.output<Q> : Record<string, never>;
  body: B extends z.ZodType ? z.output<B> : undefined;
  /** Present on every route that is not public. */
  actor: Actor;
  ctx: UseCaseContext;
  requestId: string;
  /** The raw `Idempotency-Key` header, for routes that forward it to the service that keeps it. */
  idempotencyKey: string | undefined;
}

/**
 * One operation of the public API: the express route and its OpenAPI entry come from this single
 * declaration — the platform's {@link OperationSpec}, which every internal API declares too, plus
 * the edge's own concerns (users, roles, idempotency, links, examples). `run` calls the use case; `respond` turns its result into the body. They are apart
 * so an idempotent POST can store the body in the same transaction as the change (see idempotency.ts).
 */
export interface RouteSpec<
  P extends AnyObject | undefined = AnyObject | undefined,
  Q extends AnyObject | undefined = AnyObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R = unknown,
> extends OperationSpec<P, Q, B> {
  /** `public`: no token (sign-up, sign-in …); otherwise a bearer access token is required. */
  auth: 'public' | 'bearer';
  /** Roles allowed to call it (checked before the use case, which checks ownership itself). */
  roles?: readonly Role[];
  /** Honours `Idempotency-Key`: a retry with the same key and body gets the first answer, and changes nothing. */
  idempotent?: boolean;
  /** Passes `Idempotency-Key` on to the service that keeps it (billing); documented, not stored here. */
  forwardsIdempotencyKey?: boolean;
  /** For a 201: the path where the created resource is read, sent as `Location` (from the body sent). */
  location?(body: Record<string, unknown>): string;
  /**
   * OpenAPI links from the success answer to the operations that read or act on what it returned,
   * so a stateful client (or a test generator) can follow them: name → link.
   */
  links?: Record<string, OpenApiLink>;
  /** Request body examples by name; each must pass `body` (checked in openapi.test.ts). */
  examples?: Record<string, { summary: string; value: unknown }>;
  run(input: RouteInput<P, Q, B>): Promise<R>;
  respond?(result: R): unknown;
}

/** An OpenAPI link: the target operation and where its parameters come from (runtime expressions). */
export interface OpenApiLink {
  operationId: string;
  description: string;
  /** Parameter name → `$response.body#/id`, `$request.path.orderId`, … */
  parameters?: Record<string, string>;
}

/** Declares a route with its types inferred from the schemas. */
export function route<P extends AnyObject | undefined = undefined, Q extends AnyObject | undefined = undefined, B extends z.ZodType | undefined = undefined, R = unknown>(
  spec: RouteSpec<P, Q, B, R>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}
