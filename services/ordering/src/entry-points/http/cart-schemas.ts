import { z } from 'zod';
import { grade, id, instant, memo, quantity, request, response, text } from './shared-schemas';

// ── carts ───────────────────────────────────────────────────────────────────────────────────────
export const fulfilmentMethod = z.enum(['PICKUP', 'DELIVERY']);
/** JSON Schema for "a string with something other than whitespace": what a delivery address must be. */
export const NON_BLANK = { type: 'string', pattern: '\\S' };
/** A delivery needs an address: when `method` is DELIVERY, `address` is required and not blank. */
const deliveryNeedsAddress = {
  if: { properties: { method: { const: 'DELIVERY' } }, required: ['method'] },
  then: { required: ['address'], properties: { address: NON_BLANK } },
};
export const CartLineInput = request(
  'CartLineInput',
  z.object({ varietyId: id(), grade, quantity: quantity(), memo: memo().optional() }),
);
export const CartLineChange = request(
  'CartLineChange',
  z.object({ quantity: quantity().optional(), grade: grade.optional(), memo: memo().optional() }),
);
export const CartUpdate = request(
  'CartUpdate',
  z.object({
    memo: memo().optional(),
    fulfilment: z
      .object({ method: fulfilmentMethod, address: text(200).nullable().optional().describe('Required, not blank, for DELIVERY; dropped for PICKUP.') })
      .meta(deliveryNeedsAddress)
      .optional(),
  }),
);
export const Cart = response(
  'Cart',
  z.object({
    id: id().nullable().describe('Null when the retailer has no open cart at this wholesaler.'),
    wholesalerId: id(),
    memo: z.string().nullable(),
    fulfilment: z.object({ method: fulfilmentMethod, address: z.string().nullable() }),
    lines: z.array(
      z.object({ id: id(), varietyId: id(), itemName: z.string(), varietyName: z.string(), grade, quantity: z.int(), memo: z.string().nullable() }),
    ),
    updatedAt: instant().nullable(),
  }),
);
export const CartList = response('CartList', z.object({ items: z.array(Cart) }));

// Shared by the routes of this area (they import one schema module).
export { idParam } from './shared-schemas';
