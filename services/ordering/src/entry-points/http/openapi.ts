import type { z } from 'zod';
import { componentRef as REF, componentSchemas, openApiParameters as parameters, schemaIdOf } from '@marketbill/platform';
import type { RouteSpec } from './route';
import { catalogue, Problem } from './shared-schemas';

type Json = Record<string, unknown>;

const idOf = (schema: z.ZodType): string => schemaIdOf(catalogue, schema);

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: REF('Problem') } } } });

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (validation-failed, malformed-json, …).',
  401: 'No or invalid access token, or wrong credentials.',
  403: 'The caller’s role may not do this.',
  404: 'Not found, or not the caller’s to see.',
  409: 'Conflicts with the current state.',
  422: 'Idempotency-Key reused with another request (idempotency-key-reused), or a business limit exceeded (quantity-, unit-price-, order-total-, payment-limit-exceeded).',
  429: 'Rate limited; see Retry-After.',
  500: 'Unexpected error.',
  503: 'A dependency (the database, another service) is unavailable, or billing’s view of an order is not caught up yet (order-view-behind); retry after the Retry-After seconds.',
};

const IDEMPOTENCY_KEY = (maxLength: number, description: string) => ({
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description,
  schema: { type: 'string', pattern: `^[\\x21-\\x7e]{1,${maxLength}}$`, maxLength },
  example: '0f6a1c2e-7b3d-4e5f-9a8b-1c2d3e4f5a6b',
});

/** Headers every answer, or some answers, carry (components.headers). */
const HEADERS = {
  'X-Request-Id': {
    description: 'The request id: the caller’s own X-Request-Id when well-formed (8–128 of A-Z a-z 0-9 . _ : -), else a new UUID. Quote it to support; it is also in the logs and problem bodies.',
    schema: { type: 'string' },
  },
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } },
  Location: { description: 'Path of the created resource (read it with the operation the `links` name).', schema: { type: 'string', format: 'uri-reference' } },
};
const HEADER_REF = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });

/**
 * The OpenAPI 3.1 document, generated from the route declarations and the zod schemas. JSON
 * Schema 2020-12 is OpenAPI 3.1's schema dialect, so zod's output goes in unchanged. The document
 * names no `jsonSchemaDialect`: the default (OpenAPI's base dialect, 2020-12 plus OpenAPI's own
 * keywords) is what we use, and Swagger UI shows a warning for any other value, even the plain
 * 2020-12 meta-schema it is built on (seen in headless Chromium; tests/system/browser.int.test.ts). Rules that
 * span fields (a delivery needs an address, …) are schema keywords where JSON Schema can say them
 * (`if`/`then`, `not`), set with `.meta()` in the `*-schemas.ts` files, and sentences in the descriptions otherwise.
 */
export function buildOpenApiDocument(routes: RouteSpec[], info: { version: string }): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const keyed = r.idempotent || r.forwardsIdempotencyKey;
    // 503 on every route: a database restarting or unreachable answers 503 database-unavailable with Retry-After.
    const errors = [...new Set([400, ...(r.auth === 'bearer' ? [401] : []), ...(r.roles ? [403] : []), ...(keyed ? [409, 422] : []), ...(r.errors ?? []), 500, 503])].sort();
    const success: Json = r.response
      ? { description: 'Success.', content: { 'application/json': { schema: { $ref: REF(idOf(r.response)) } } } }
      : { description: 'Success, no content.' };
    success.headers = { 'X-Request-Id': HEADER_REF('X-Request-Id'), ...(r.location ? { Location: HEADER_REF('Location') } : {}) };
    if (r.links) {
      success.links = Object.fromEntries(
        Object.entries(r.links).map(([name, link]) => [name, { operationId: link.operationId, description: link.description, ...(link.parameters ? { parameters: link.parameters } : {}) }]),
      );
    }
    const operation: Json = {
      operationId: r.operationId,
      summary: r.summary,
      description: r.description,
      tags: r.tags,
      ...(r.auth === 'bearer' ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      ...(r.roles ? { 'x-roles': r.roles } : {}),
      parameters: [
        ...parameters('path', r.params),
        ...parameters('query', r.query),
        ...(r.idempotent
          ? [IDEMPOTENCY_KEY(255, 'Makes the request safe to retry: the same key and body give the first answer again and change nothing more; the same key with another body is refused (422 idempotency-key-reused).')]
          : []),
        ...(r.forwardsIdempotencyKey
          ? [IDEMPOTENCY_KEY(200, 'Makes the request safe to retry: billing keeps the key with what it created, so a retry gets the same result; the same key with another request is refused (422 idempotency-key-reused).')]
          : []),
      ],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: { $ref: REF(idOf(r.body)) },
                  ...(r.examples ? { examples: r.examples } : {}),
                },
              },
            },
          }
        : {}),
      responses: {
        [String(r.status)]: success,
        ...Object.fromEntries(
          errors.map((s) => [String(s), { ...problem(ERROR_TEXT[s] ?? 'Error.'), headers: { 'X-Request-Id': HEADER_REF('X-Request-Id'), ...(s === 429 || s === 503 ? { 'Retry-After': HEADER_REF('Retry-After') } : {}) } }]),
        ),
      },
    };
    paths[r.path] = { ...(paths[r.path] ?? {}), [r.method]: operation };
  }
  const schemas = componentSchemas(catalogue);
  void Problem;
  return {
    openapi: '3.1.0',
    info: {
      title: 'MarketBill REST edge',
      version: info.version,
      description:
        'The public API of MarketBill: accounts, connections (거래처), carts, orders (주문서), pricing, fulfilment, statements (거래명세서) and the catalog. ' +
        'Errors are application/problem+json with a stable `code`. Every response carries X-Request-Id. Days are Asia/Seoul YYYY-MM-DD; money is integer KRW. ' +
        'Browsers on the origins the deployment lists (CORS_ALLOWED_ORIGINS) may call it directly; Location, Retry-After and X-Request-Id are exposed to them.',
    },
    servers: [{ url: '/' }],
    tags: TAGS,
    paths,
    components: {
      schemas,
      headers: HEADERS,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from sign-in (15 minutes).' } },
    },
  };
}

/** Every tag an operation may use, declared once with its description (openapi.test.ts checks). */
export const TAGS = [
  { name: 'auth', description: 'Sign-up with SMS verification, sign-in, sessions, passwords.' },
  { name: 'me', description: 'The caller’s own account.' },
  { name: 'wholesalers', description: 'Wholesalers, their business profile, settings and staff.' },
  { name: 'connections', description: 'Retailer ↔ wholesaler trading relationships (거래처).' },
  { name: 'carts', description: 'The retailer’s open cart per wholesaler.' },
  { name: 'orders', description: 'Order sheets: placement, cancellation, prices, custom lines, fulfilment.' },
  { name: 'pricing', description: 'Daily prices and the wholesaler’s day (summary, pick list).' },
  { name: 'statements', description: 'Transaction statements (거래명세서) and their PDFs, the ledger between a wholesaler and a retailer, payments (served by the billing service).' },
  { name: 'catalog', description: 'Items, varieties and auction prices (served by the catalog service).' },
  { name: 'admin', description: 'Operator endpoints (ADMIN only).' },
];
