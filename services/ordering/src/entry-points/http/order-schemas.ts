import { z } from 'zod';
import { pageOf } from '@marketbill/platform';
import { fulfilmentMethod, NON_BLANK } from './cart-schemas';
import { partyRef } from './connection-schemas';
import { day, grade, id, instant, memo, money, nonBlank, pageQuery, quantity, request, response, text } from './shared-schemas';

// ── orders ──────────────────────────────────────────────────────────────────────────────────────
export const PlaceOrderInput = request('PlaceOrderInput', z.object({ wholesalerId: id() }));
const OrderLine = z.object({
  id: id(),
  kind: z.enum(['ITEM', 'CUSTOM', 'SHIPPING_FEE']),
  varietyId: id().nullable(),
  itemName: z.string(),
  varietyName: z.string(),
  grade: grade.nullable(),
  quantity: z.int(),
  unitPrice: z.int().nullable(),
  amount: z.int().nullable().describe('quantity × unitPrice; null while unpriced.'),
  memo: z.string().nullable(),
});
export const Order = response(
  'Order',
  z.object({
    id: id(),
    number: z.string().describe('YYMMDD-NNNNNN, the Seoul day of placement as prefix.'),
    version: z.int(),
    status: z.enum(['PLACED', 'CANCELLED']),
    placement: z.enum(['MANUAL', 'CUTOFF']),
    placedAt: instant(),
    saleDay: day(),
    retailer: partyRef,
    wholesaler: partyRef,
    memo: z.string().nullable(),
    fulfilment: z.object({ method: fulfilmentMethod, state: z.enum(['PENDING', 'READY', 'PICKED_UP', 'DELIVERED']), address: z.string().nullable() }),
    lines: z.array(OrderLine),
    priceState: z.enum(['UNPRICED', 'PARTIAL', 'PRICED']),
    total: z.int().describe('Σ quantity × unit price over the priced lines (the statement total once all are priced).'),
    pricedAt: instant().nullable(),
    cancelledAt: instant().nullable(),
    statement: z.object({ id: id(), number: z.string(), version: z.int(), issuedAt: instant() }).nullable(),
  }),
);
export const OrderPage = response('OrderPage', pageOf(Order));
export const orderQuery = z.object({
  ...pageQuery,
  from: day().optional().describe('First sale day (Asia/Seoul), inclusive.'),
  to: day().optional().describe('Last sale day, inclusive.'),
  status: z.enum(['PLACED', 'CANCELLED']).optional(),
  retailerId: id().optional(),
  wholesalerId: id().optional(),
});
export const LinePricesInput = request(
  'LinePricesInput',
  z.object({
    lines: z
      .array(z.object({ lineId: id(), unitPrice: money().nullable().describe('KRW per unit; null clears the price.') }))
      .min(1)
      .max(500)
      .describe('Each lineId at most once (JSON Schema cannot say "unique by one property": the service refuses repeats at `lines`).'),
  }),
);
/** 배송비 is the shipping-fee line's name: a custom line may not take it (setShippingFee sets that line). */
const customItemName = () =>
  nonBlank(100).meta({
    description: 'Free text, not blank, and not 배송비 (the shipping-fee line has its own operation).',
    not: { pattern: '^\\s*배송비\\s*$' },
  });
export const CustomLineInput = request(
  'CustomLineInput',
  z.object({
    itemName: customItemName(),
    varietyName: text(100).optional(),
    grade: grade.nullable().optional(),
    quantity: quantity(),
    unitPrice: money().nullable().optional(),
    memo: memo().optional(),
  }),
);
export const CustomLineChange = request(
  'CustomLineChange',
  z.object({
    itemName: customItemName().optional(),
    varietyName: text(100).optional(),
    grade: grade.nullable().optional(),
    quantity: quantity().optional(),
    unitPrice: money().nullable().optional(),
    memo: memo().optional(),
  }),
);
export const ShippingFeeInput = request('ShippingFeeInput', z.object({ amount: money() }));
export const FulfilmentInput = request(
  'FulfilmentInput',
  z
    .object({
      state: z.enum(['READY', 'PICKED_UP', 'DELIVERED']).optional(),
      method: fulfilmentMethod.optional(),
      address: text(200).nullable().optional().describe('For DELIVERY: not blank, given here or already on the order. Changes only while PENDING.'),
    })
    // An empty change would be a new version of the order with nothing changed.
    .refine((change) => change.state !== undefined || change.method !== undefined || change.address !== undefined, 'Name at least one of state, method, address.')
    // Switching to DELIVERY with an address in the same request: the address must not be blank.
    .meta({ minProperties: 1, if: { properties: { method: { const: 'DELIVERY' } }, required: ['method', 'address'] }, then: { properties: { address: NON_BLANK } } }),
);
export const Suggestion = z
  .object({
    unitPrice: z.int(),
    basis: z.enum(['GRADE', 'ALL_GRADES']),
    saleDate: day(),
    auctionGrades: z.array(z.string()),
  })
  .nullable();
export const PriceSuggestions = response('PriceSuggestions', z.object({ items: z.array(z.object({ lineId: id(), suggestion: Suggestion })) }));

// Shared by the routes of this area (they import one schema module).
export { idParam } from './shared-schemas';
