import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseInput } from './validate';

// One way to declare an HTTP operation, for the public edge and for every internal API alike: a
// declaration names the operation, its zod schemas and its success status; express parses the
// input with the same schemas, and the OpenAPI document is generated from them (z.toJSONSchema), so
// the code and the contract cannot drift apart. The edge adds its own concerns on top (bearer users,
// roles, idempotency: services/ordering/src/entry-points/http/route.ts); an internal API mounts
// its declarations with {@link mountOperations} and publishes {@link buildInternalApiDocument},
// which each owner commits under schemas/<owner>/ for its callers' generated types.

type Json = Record<string, unknown>;
type AnyObject = z.ZodObject<z.ZodRawShape>;

/**
 * The named schemas of one contract: request bodies (described as input) and responses (described
 * as output), each becoming `#/components/schemas/<id>`.
 */
export interface SchemaCatalogue {
  readonly requests: z.core.$ZodRegistry<{ id: string }>;
  readonly responses: z.core.$ZodRegistry<{ id: string }>;
  /** Registers a request body schema under `id` and returns it. */
  request<T extends z.ZodType>(id: string, schema: T): T;
  /** Registers a response schema under `id` and returns it. */
  response<T extends z.ZodType>(id: string, schema: T): T;
}

/** A new, empty catalogue of named schemas (one per contract). */
export function createSchemaCatalogue(): SchemaCatalogue {
  const requests = z.registry<{ id: string }>();
  const responses = z.registry<{ id: string }>();
  return {
    requests,
    responses,
    request(id, schema) {
      requests.add(schema, { id });
      return schema;
    },
    response(id, schema) {
      responses.add(schema, { id });
      return schema;
    },
  };
}

/** What every operation declares, at the edge and inside. */
export interface OperationSpec<P extends AnyObject | undefined = AnyObject | undefined, Q extends AnyObject | undefined = AnyObject | undefined, B extends z.ZodType | undefined = z.ZodType | undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template: `/v1/orders/{orderId}`. */
  path: string;
  operationId: string;
  summary: string;
  /** What it does, who may, and every rule the server enforces that the schemas cannot say. */
  description: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** The success status. */
  status: number;
  /** Registered response schema of the success body; none for 204. */
  response?: z.ZodType;
  /** Error statuses worth documenting beyond the ones every operation has. */
  errors?: number[];
}

/** `/v1/orders/{orderId}` → `/v1/orders/:orderId`. */
export function toExpressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** A zod JSON Schema without the keys that do not belong inside an OpenAPI document. */
export function cleanJsonSchema(schema: Json): Json {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** The component id a request body or response schema was registered under. */
export function schemaIdOf(catalogue: SchemaCatalogue, schema: z.ZodType): string {
  const meta = catalogue.requests.get(schema) ?? catalogue.responses.get(schema);
  if (!meta) throw new Error('A request body or response schema must be registered in the contract’s schema catalogue');
  return meta.id;
}

/** `#/components/schemas/<id>`. */
export const componentRef = (id: string): string => `#/components/schemas/${id}`;

/** The OpenAPI parameters of a path or query schema: one per property, described by its zod schema. */
export function openApiParameters(where: 'path' | 'query', object: AnyObject | undefined): Json[] {
  if (!object) return [];
  return Object.entries(object.shape).map(([name, schema]) => {
    const json = cleanJsonSchema(z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Json);
    const { description, ...rest } = json;
    return {
      name,
      in: where,
      required: where === 'path' || !(schema as z.ZodType).safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/** `components.schemas` of a contract: every registered request (as input) and response (as output). */
export function componentSchemas(catalogue: SchemaCatalogue): Record<string, Json> {
  const requests = z.toJSONSchema(catalogue.requests, { io: 'input', uri: componentRef, unrepresentable: 'any' }).schemas as Record<string, Json>;
  const responses = z.toJSONSchema(catalogue.responses, { io: 'output', uri: componentRef, unrepresentable: 'any' }).schemas as Record<string, Json>;
  return Object.fromEntries([...Object.entries(requests), ...Object.entries(responses)].map(([k, v]) => [k, cleanJsonSchema(v)]));
}

/**
 * Page parameters of every list, at the edge and in every internal API: `page` counts from 0.
 * Digits only (z.coerce would take "" and " " as 0).
 */
export function pageQuery(maxPage = 100_000, maxSize = 100, defaultSize = 20) {
  const int = (min: number, max: number, fallback: number) =>
    z
      .preprocess((v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v), z.int().min(min).max(max))
      .optional()
      .default(fallback);
  return {
    page: int(0, maxPage, 0).describe('0-based page number.'),
    size: int(1, maxSize, defaultSize).describe(`Page size, 1–${maxSize}.`),
  };
}

/** A page of a list: `{ items, page, size, total }`, `page` counting from 0. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), page: z.int(), size: z.int(), total: z.int() });
}

type Output<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

/** What an internal operation's handler gets. */
export interface OperationInput<P extends AnyObject | undefined, Q extends AnyObject | undefined, B extends z.ZodType | undefined> {
  params: Output<P>;
  query: Output<Q>;
  body: B extends z.ZodType ? z.output<B> : undefined;
  /** For what the declaration does not cover: the actor header, other headers, response headers. */
  req: Request;
  res: Response;
}

/** An operation of an internal API: its declaration and the handler that answers it. */
export interface InternalOperation<
  P extends AnyObject | undefined = AnyObject | undefined,
  Q extends AnyObject | undefined = AnyObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | undefined = z.ZodType | undefined,
> extends OperationSpec<P, Q, B> {
  response?: R;
  /** How the acting user is named in `X-MarketBill-Actor`: required, optional, or not read. */
  actor: 'required' | 'optional' | 'none';
  /** Returns the body, typed by the response schema: a view that no longer fits the contract does not compile. */
  run(input: OperationInput<P, Q, B>): Promise<R extends z.ZodType ? z.input<R> : void>;
}

/** Declares an internal operation with its types inferred from its schemas. */
export function internalOperation<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(spec: InternalOperation<P, Q, B, R>): InternalOperation {
  return spec as unknown as InternalOperation;
}

/**
 * Mounts internal operations on a router: the input is parsed with the declared schemas (400
 * validation-failed naming every field), the handler runs, and its result is sent with the declared
 * status. Handlers throw; the platform's problem handler renders the error.
 */
export function mountOperations(router: Router, operations: InternalOperation[]): Router {
  for (const op of operations) {
    router[op.method](toExpressPath(op.path), async (req: Request, res: Response) => {
      const params = op.params ? parseInput(op.params, req.params, 'path') : {};
      const query = op.query ? parseInput(op.query, req.query, 'query') : {};
      const body = op.body ? parseInput(op.body, req.body ?? {}) : undefined;
      const result = await op.run({ params, query, body, req, res } as Parameters<InternalOperation['run']>[0]);
      if (op.status === 204 || result === undefined) res.status(op.status).end();
      else res.status(op.status).json(result);
    });
  }
  return router;
}

/** A new router with the operations mounted (see {@link mountOperations}). */
export function createOperationsRouter(operations: InternalOperation[]): Router {
  return mountOperations(Router(), operations);
}

const INTERNAL_ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (validation-failed, malformed-json, …).',
  401: 'No or unknown caller token (unauthenticated, invalid-token), or no actor where one is required (actor-required).',
  403: 'The actor may not do this.',
  404: 'Not found, or not the actor’s to see.',
  409: 'Conflicts with the current state.',
  422: 'Idempotency-Key reused with another request, or a business limit exceeded.',
  500: 'Unexpected error.',
  503: 'A dependency is unavailable, or the service cannot answer yet; retry after Retry-After seconds.',
};

/**
 * The OpenAPI 3.1 document of an internal API, generated from its operation declarations: what the
 * owner commits as `schemas/<owner>/internal-api.openapi.json` and its callers' types are generated
 * from. Deterministic (same code, same bytes), so a stale committed copy is caught by a plain diff.
 */
export function buildInternalApiDocument(options: { title: string; description: string; version: string; operations: InternalOperation[]; catalogue: SchemaCatalogue }): Json {
  const paths: Record<string, Json> = {};
  for (const op of options.operations) {
    const errors = [...new Set([400, 401, ...(op.errors ?? []), 500, 503])].sort();
    const problem = { 'application/problem+json': { schema: { type: 'object', description: 'RFC 9457 problem details with a stable `code`.' } } };
    const operation: Json = {
      operationId: op.operationId,
      summary: op.summary,
      description: op.description,
      tags: op.tags,
      parameters: [
        ...openApiParameters('path', op.params),
        ...openApiParameters('query', op.query),
        ...(op.actor === 'none'
          ? []
          : [
              {
                name: 'X-MarketBill-Actor',
                in: 'header',
                required: op.actor === 'required',
                description: 'The user the caller acts for: base64url of JSON `{ accountId, role, wholesalerId? }` (the Actor of schemas/ordering).',
                schema: { type: 'string' },
              },
            ]),
      ],
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: componentRef(schemaIdOf(options.catalogue, op.body)) } } } } } : {}),
      responses: {
        [String(op.status)]: op.response
          ? { description: 'Success.', content: { 'application/json': { schema: { $ref: componentRef(schemaIdOf(options.catalogue, op.response)) } } } }
          : { description: 'Success, no content.' },
        ...Object.fromEntries(errors.map((s) => [String(s), { description: INTERNAL_ERROR_TEXT[s] ?? 'Error.', content: problem }])),
      },
    };
    paths[op.path] = { ...(paths[op.path] ?? {}), [op.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: options.title, version: options.version, description: options.description },
    servers: [{ url: '/internal/v1' }],
    security: [{ internalCaller: [] }],
    paths,
    components: {
      schemas: componentSchemas(options.catalogue),
      securitySchemes: {
        internalCaller: { type: 'http', scheme: 'bearer', description: 'The calling service’s own token for this service (INTERNAL_API_CALLERS).' },
      },
    },
  };
}
