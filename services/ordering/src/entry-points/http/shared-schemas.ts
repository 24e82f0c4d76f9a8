import { z } from 'zod';
import { createSchemaCatalogue, pageQuery as sharedPageQuery } from '@marketbill/platform';
import { BUYER_GRADES } from '../../domain/grade';
import { MAX_LINE_QUANTITY, MAX_UNIT_PRICE } from '../../domain/money-limits';

/**
 * The request and response schemas of the public API, written once in zod: requests are parsed
 * with them, and the OpenAPI document is generated from them (z.toJSONSchema), so the contract
 * and the code cannot drift apart. Named schemas become `#/components/schemas/<Name>`. Each area's
 * schemas live beside its routes (`order-schemas.ts` beside `order-routes.ts`, …); this file holds
 * the catalogue they register in and the pieces every area uses (ids, text, money, pages, Problem).
 */
export const catalogue = createSchemaCatalogue();
export const { request, response } = catalogue;

/** Text without NUL characters (Postgres text cannot hold them), with a length limit. */
export const text = (max: number, min = 0) =>
  z
    .string()
    .min(min)
    .max(max)
    // eslint-disable-next-line no-control-regex -- the NUL character is exactly what is refused
    .regex(/^[^\u0000]*$/, 'No NUL characters.');
export const nonBlank = (max: number) => text(max, 1).regex(/\S/, 'Must not be blank.');
export const id = () => z.uuid();
export const instant = () => z.iso.datetime();
export const day = () => z.iso.date().describe('A day, YYYY-MM-DD.');
// Business limits (domain/money-limits.ts) are documented as `maximum` but enforced by the use
// cases, so that a value past one gets 422 with a code naming it, not a generic 400.
export const money = () =>
  z.int().min(0).meta({ maximum: MAX_UNIT_PRICE, description: `KRW, at most ${MAX_UNIT_PRICE.toLocaleString('en-US')} (above: 422 unit-price-limit-exceeded).` });
export const quantity = () =>
  z.int().min(1).meta({ maximum: MAX_LINE_QUANTITY, description: `At most ${MAX_LINE_QUANTITY.toLocaleString('en-US')} (above: 422 quantity-limit-exceeded).` });
export const memo = () => text(500).nullable();
export const grade = z.enum(BUYER_GRADES).describe('Buyer grade: 상 UPPER, 중 MIDDLE, 하 LOWER.');

// ── shared ──────────────────────────────────────────────────────────────────────────────────────
export const Problem = response(
  'Problem',
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.int(),
      detail: z.string(),
      code: z.string().describe('Stable kebab-case error code; match on this.'),
      instance: z.string(),
      requestId: z.string().optional(),
      errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      retryAfterSeconds: z.int().optional(),
    })
    .loose()
    .describe('RFC 9457 problem details with a stable `code`.'),
);

/** Page parameters of every list: `page` counts from 0, here and in every internal API. */
export const pageQuery = sharedPageQuery();

export const idParam = (name: string) => z.object({ [name]: id() });
