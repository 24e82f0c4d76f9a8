import { z } from 'zod';
import type { RouteSpec } from './route';
import { Problem, requestSchemas, responseSchemas } from './schemas';

type Json = Record<string, unknown>;

const REF = (id: string) => `#/components/schemas/${id}`;

function clean(schema: Json): Json {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function idOf(schema: z.ZodType): string {
  const meta = requestSchemas.get(schema) ?? responseSchemas.get(schema);
  if (!meta) throw new Error('A request body or response schema must be registered in schemas.ts');
  return meta.id;
}

function parameters(where: 'path' | 'query', object: z.ZodObject<z.ZodRawShape> | undefined): Json[] {
  if (!object) return [];
  return Object.entries(object.shape).map(([name, schema]) => {
    const json = clean(z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Json);
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
  503: 'A dependency is unavailable; try again later.',
};

/**
 * The OpenAPI 3.1 document, generated from the route declarations and the zod schemas. JSON
 * Schema 2020-12 is OpenAPI 3.1's schema dialect, so zod's output goes in unchanged.
 */
export function buildOpenApiDocument(routes: RouteSpec[], info: { version: string }): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const errors = [...new Set([400, ...(r.auth === 'bearer' ? [401] : []), ...(r.roles ? [403] : []), ...(r.idempotent ? [409, 422] : []), ...(r.errors ?? []), 500])].sort();
    const operation: Json = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: r.tags,
      ...(r.auth === 'bearer' ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      ...(r.roles ? { 'x-roles': r.roles } : {}),
      parameters: [
        ...parameters('path', r.params),
        ...parameters('query', r.query),
        ...(r.idempotent
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                description: 'Makes the POST safe to retry: the same key and body give the first answer again and create nothing more.',
                schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
              },
            ]
          : []),
      ],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: REF(idOf(r.body)) } } } } } : {}),
      responses: {
        [String(r.status)]: r.response
          ? { description: 'Success.', content: { 'application/json': { schema: { $ref: REF(idOf(r.response)) } } } }
          : { description: 'Success, no content.' },
        ...Object.fromEntries(errors.map((s) => [String(s), problem(ERROR_TEXT[s] ?? 'Error.')])),
      },
    };
    paths[r.path] = { ...(paths[r.path] ?? {}), [r.method]: operation };
  }
  const requests = z.toJSONSchema(requestSchemas, { io: 'input', uri: REF, unrepresentable: 'any' }).schemas as Record<string, Json>;
  const responses = z.toJSONSchema(responseSchemas, { io: 'output', uri: REF, unrepresentable: 'any' }).schemas as Record<string, Json>;
  const schemas = Object.fromEntries([...Object.entries(requests), ...Object.entries(responses)].map(([k, v]) => [k, clean(v)]));
  void Problem;
  return {
    openapi: '3.1.0',
    info: {
      title: 'MarketBill REST edge',
      version: info.version,
      description:
        'The public API of MarketBill: accounts, connections (거래처), carts, orders (주문서), pricing, fulfilment and the catalog. ' +
        'Errors are application/problem+json with a stable `code`. Every response carries X-Request-Id. Days are Asia/Seoul YYYY-MM-DD; money is integer KRW.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    tags: [
      { name: 'auth', description: 'Sign-up with SMS verification, sign-in, sessions, passwords.' },
      { name: 'me', description: 'The caller’s own account.' },
      { name: 'wholesalers', description: 'Wholesalers, their business profile, settings and staff.' },
      { name: 'connections', description: 'Retailer ↔ wholesaler trading relationships (거래처).' },
      { name: 'carts', description: 'The retailer’s open cart per wholesaler.' },
      { name: 'orders', description: 'Order sheets: placement, cancellation, prices, custom lines, fulfilment.' },
      { name: 'pricing', description: 'Daily prices and the wholesaler’s day (summary, pick list).' },
      { name: 'catalog', description: 'Items, varieties and auction prices (served by the catalog service).' },
      { name: 'admin', description: 'Operator endpoints (ADMIN only).' },
    ],
    paths,
    components: {
      schemas,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from sign-in (15 minutes).' } },
    },
  };
}
