import { z } from 'zod';
import { createSchemaCatalogue, pageOf, pageQuery as sharedPageQuery, ROLES } from '@marketbill/platform';
import type { BillingApi, CatalogApi, NotifierApi } from '@marketbill/schemas';
import { SIGN_UP_ROLES } from '../../domain/actor';
import { BUYER_GRADES } from '../../domain/grade';
import { MAX_LINE_QUANTITY, MAX_ORDER_TOTAL, MAX_UNIT_PRICE } from '../../domain/money-limits';

/**
 * The request and response schemas of the public API, written once in zod: requests are parsed
 * with them, and the OpenAPI document is generated from them (z.toJSONSchema), so the contract
 * and the code cannot drift apart. Named schemas become `#/components/schemas/<Name>`.
 */
export const catalogue = createSchemaCatalogue();
const { request, response } = catalogue;

/** Text without NUL characters (Postgres text cannot hold them), with a length limit. */
export const text = (max: number, min = 0) =>
  z
    .string()
    .min(min)
    .max(max)
    // eslint-disable-next-line no-control-regex -- the NUL character is exactly what is refused
    .regex(/^[^\u0000]*$/, 'No NUL characters.');
const nonBlank = (max: number) => text(max, 1).regex(/\S/, 'Must not be blank.');
const id = () => z.uuid();
const instant = () => z.iso.datetime();
const day = () => z.iso.date().describe('A day, YYYY-MM-DD.');
// Business limits (domain/money-limits.ts) are documented as `maximum` but enforced by the use
// cases, so that a value past one gets 422 with a code naming it, not a generic 400.
const money = () =>
  z.int().min(0).meta({ maximum: MAX_UNIT_PRICE, description: `KRW, at most ${MAX_UNIT_PRICE.toLocaleString('en-US')} (above: 422 unit-price-limit-exceeded).` });
const quantity = () =>
  z.int().min(1).meta({ maximum: MAX_LINE_QUANTITY, description: `At most ${MAX_LINE_QUANTITY.toLocaleString('en-US')} (above: 422 quantity-limit-exceeded).` });
const memo = () => text(500).nullable();
const grade = z.enum(BUYER_GRADES).describe('Buyer grade: 상 UPPER, 중 MIDDLE, 하 LOWER.');

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

// ── auth ────────────────────────────────────────────────────────────────────────────────────────
const phone = z
  .string()
  .regex(/^(\+82[ -]?|0)1[016789][ -]?\d{3,4}[ -]?\d{4}$/, 'A Korean mobile number, 01X-XXXX-XXXX.')
  .describe('Korean mobile number: 010-1234-5678, 01012345678 or +82 10-1234-5678.');
const password = text(200, 1);
/**
 * A new password, as far as a pattern can say it. The rule that spans two fields — it must not
 * contain the phone number's eight digits after 01X — JSON Schema cannot express, so the
 * description says it and the service checks it (domain/password-policy.ts).
 */
const newPassword = z
  .string()
  .min(8)
  .max(128)
  .regex(/^(?=.*[A-Za-z\u3131-\u318E\uAC00-\uD7A3])(?=.*[0-9])\S+$/, 'A letter, a digit, no spaces.')
  .describe('8–128 characters with a letter (Latin or Hangul) and a digit, no whitespace, and not containing the phone number’s eight digits after 01X (for 010-1234-5678: 12345678).');

export const VerificationRequest = request(
  'VerificationRequest',
  z.object({
    phone,
    purpose: z
      .enum(['SIGN_UP', 'PASSWORD_RESET', 'SIGN_IN'])
      .describe('SIGN_IN: a code to sign in with while the phone asks for one (429 sign-in-code-required at sign-in).'),
  }),
);
export const VerificationStarted = response('VerificationStarted', z.object({ verificationId: id(), expiresAt: instant() }));

export const SignUpRequest = request(
  'SignUpRequest',
  z.object({
    verificationId: id(),
    code: z.string().regex(/^\d{6}$/, 'Six digits.'),
    phone,
    name: nonBlank(50).describe('Shop name (retailer, owner) or the staff member’s name.'),
    password: newPassword,
    role: z.enum(SIGN_UP_ROLES),
    invitationCode: text(40).optional().describe('Required for WHOLESALER_STAFF: the code from the owner.'),
  })
  // Staff join through their owner's invitation: the code is required for that role.
  .meta({
    if: { properties: { role: { const: 'WHOLESALER_STAFF' } }, required: ['role'] },
    then: { required: ['invitationCode'], properties: { invitationCode: { minLength: 1 } } },
  }),
);
export const SignInRequest = request(
  'SignInRequest',
  z
    .object({
      phone,
      password,
      verificationId: z.uuid().optional().describe('With `code`: an SMS code of purpose SIGN_IN, needed after 429 sign-in-code-required.'),
      code: z.string().regex(/^\d{6}$/).optional().describe('The six-digit SMS code of `verificationId`.'),
    })
    .refine((b) => (b.verificationId === undefined) === (b.code === undefined), { message: 'verificationId and code go together.', path: ['code'] }),
);
export const RefreshRequest = request('RefreshRequest', z.object({ refreshToken: text(200, 1) }));
export const PasswordResetRequest = request(
  'PasswordResetRequest',
  z.object({ verificationId: id(), code: z.string().regex(/^\d{6}$/, 'Six digits.'), phone, newPassword }).describe('`newPassword` must not contain the eight digits of `phone` after 01X.'),
);
export const PasswordChangeRequest = request(
  'PasswordChangeRequest',
  z.object({ currentPassword: password, newPassword }).describe('`newPassword` must not contain the eight digits of the account’s phone after 01X.'),
);

export const Account = response(
  'Account',
  z.object({
    id: id(),
    phone: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    wholesalerId: id().nullable().describe('For owners and staff: the wholesaler they act for (the owner’s account id).'),
    wholesalerName: z.string().nullable(),
    disabled: z.boolean(),
    createdAt: instant(),
  }),
);
export const Tokens = response(
  'Tokens',
  z.object({
    tokenType: z.literal('Bearer'),
    accessToken: z.string(),
    accessTokenExpiresAt: instant(),
    refreshToken: z.string().describe('Opaque; rotate it with POST /v1/auth/refresh. Reusing a spent one signs every device of that session out.'),
    refreshTokenExpiresAt: instant(),
  }),
);
export const SignedUp = response('SignedUp', z.object({ account: Account, tokens: Tokens }));

// ── wholesalers ─────────────────────────────────────────────────────────────────────────────────
export const BusinessProfileInput = request(
  'BusinessProfileInput',
  z.object({
    businessNumber: z
      .string()
      .regex(/^\d{3}-?\d{2}-?\d{5}$/, '10 digits, dashes allowed (123-45-67890).')
      .describe('사업자등록번호: 10 digits (dashes allowed) whose last digit is the valid check digit of the first nine.'),
    companyName: nonBlank(100),
    representative: nonBlank(50),
    address: nonBlank(200),
    phone: z.string().regex(/^\d{2,4}-\d{3,4}-\d{4}$/, 'e.g. 02-579-1234.'),
    businessType: nonBlank(50),
    businessItem: nonBlank(50),
    bankAccount: nonBlank(100).describe('Bank, account number and holder, as printed on statements.'),
    sealImageUrl: z.url({ protocol: /^https$/ }).max(300).nullable().optional(),
  }),
);
export const BusinessProfile = response(
  'BusinessProfile',
  z.object({
    view: z
      .enum(['FULL', 'SHOP'])
      .describe(
        'FULL for the wholesaler’s own people, ADMIN and retailers with a CONFIRMED connection; SHOP for everyone else: businessNumber, representative, bankAccount and sealImageUrl are then null.',
      ),
    businessNumber: z.string().nullable(),
    companyName: z.string(),
    representative: z.string().nullable(),
    address: z.string(),
    phone: z.string(),
    businessType: z.string(),
    businessItem: z.string(),
    bankAccount: z.string().nullable(),
    sealImageUrl: z.string().nullable(),
    version: z.int(),
    updatedAt: instant(),
  }),
);
export const Wholesaler = response(
  'Wholesaler',
  z.object({
    id: id(),
    name: z.string().describe('Shop name.'),
    cutoffTime: z.string().describe('HH:MM Asia/Seoul: open carts are ordered then.'),
    profile: BusinessProfile.nullable(),
  }),
);
export const WholesalerListItem = response(
  'WholesalerListItem',
  z.object({
    id: id(),
    name: z.string(),
    connection: z.object({ id: id(), status: z.enum(['APPLYING', 'CONFIRMED', 'REJECTED']) }).nullable().describe("The caller's (a retailer's) latest application."),
  }),
);
export const WholesalerPage = response('WholesalerPage', pageOf(WholesalerListItem));
export const SettingsInput = request('WholesalerSettingsInput', z.object({ cutoffTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM.') }));
export const Invitation = response('StaffInvitation', z.object({ id: id(), code: z.string().describe('Shown once: give it to the staff member.'), expiresAt: instant() }));
export const StaffList = response('StaffList', z.object({ items: z.array(Account) }));

// ── retailers ──────────────────────────────────────────────────────────────────────────────────
export const RetailerProfileInput = request(
  'RetailerProfileInput',
  z.object({
    businessNumber: z.string().regex(/^\d{3}-?\d{2}-?\d{5}$/, '10 digits, dashes allowed (123-45-67890).').describe('사업자등록번호; the check digit must be valid.'),
    companyName: nonBlank(100).describe('상호, printed in full on statements.'),
    representative: nonBlank(50).describe('대표자.'),
    address: nonBlank(200).describe('사업장 주소.'),
    businessType: text(50).nullable().optional().describe('업태 (optional).'),
    businessItem: text(50).nullable().optional().describe('종목 (optional).'),
  }),
);
export const RetailerProfile = response(
  'RetailerProfile',
  z.object({
    businessNumber: z.string(),
    companyName: z.string(),
    representative: z.string(),
    address: z.string(),
    businessType: z.string().nullable(),
    businessItem: z.string().nullable(),
    version: z.int(),
    updatedAt: instant(),
  }),
);
export const Retailer = response(
  'Retailer',
  z.object({
    id: id(),
    name: z.string().describe('Shop name.'),
    profile: RetailerProfile.nullable().describe('The business profile printed as 공급받는자 on statements; null until saved (statements then print the name only).'),
  }),
);

// ── connections ─────────────────────────────────────────────────────────────────────────────────
const connectionStatus = z.enum(['APPLYING', 'CONFIRMED', 'REJECTED']);
export const ConnectionInput = request('ConnectionApplication', z.object({ wholesalerId: id() }));
export const DecisionInput = request('ConnectionDecisionInput', z.object({ decision: z.enum(['CONFIRMED', 'REJECTED']) }));
const partyRef = z.object({ id: id(), name: z.string() });
export const Connection = response(
  'Connection',
  z.object({ id: id(), status: connectionStatus, retailer: partyRef, wholesaler: partyRef, createdAt: instant(), decidedAt: instant().nullable() }),
);
export const ConnectionPage = response('ConnectionPage', pageOf(Connection));
export const connectionQuery = z.object({ ...pageQuery, status: connectionStatus.optional() });

// ── carts ───────────────────────────────────────────────────────────────────────────────────────
const fulfilmentMethod = z.enum(['PICKUP', 'DELIVERY']);
/** JSON Schema for "a string with something other than whitespace": what a delivery address must be. */
const NON_BLANK = { type: 'string', pattern: '\\S' };
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
const Suggestion = z
  .object({
    unitPrice: z.int(),
    basis: z.enum(['GRADE', 'ALL_GRADES']),
    saleDate: day(),
    auctionGrades: z.array(z.string()),
  })
  .nullable();
export const PriceSuggestions = response('PriceSuggestions', z.object({ items: z.array(z.object({ lineId: id(), suggestion: Suggestion })) }));

// ── pricing and the day ─────────────────────────────────────────────────────────────────────────
export const DailyPriceInput = request('DailyPriceInput', z.object({ day: day(), varietyId: id(), grade, unitPrice: money() }));
export const DailyPriceApplied = response(
  'DailyPriceApplied',
  z.object({
    day: day(),
    varietyId: id(),
    grade,
    unitPrice: z.int(),
    orders: z.array(z.object({ id: id(), number: z.string(), version: z.int() })).describe('Orders whose lines took the price.'),
  }),
);
export const dayQuery = z.object({ day: day().optional().describe('Sale day (Asia/Seoul); today when omitted.') });
export const DailySummary = response(
  'DailySummary',
  z.object({
    day: day(),
    orderCount: z.int(),
    retailerCount: z.int(),
    varietyCount: z.int(),
    totalQuantity: z.int(),
    revenue: z.int(),
    unpricedLineCount: z.int(),
    pickList: z.array(
      z.object({
        varietyId: id(),
        itemName: z.string(),
        varietyName: z.string(),
        grade,
        quantity: z.int(),
        orderCount: z.int(),
        dailyPrice: z.int().nullable(),
        suggestion: Suggestion,
      }),
    ),
  }),
);

// ── admin ───────────────────────────────────────────────────────────────────────────────────────
export const AccountPage = response('AccountPage', pageOf(Account));
export const accountQuery = z.object({ ...pageQuery, role: z.enum(ROLES).optional(), q: text(50).optional() });
export const AccountStatusInput = request('AccountStatusInput', z.object({ disabled: z.boolean() }));

// ── catalog (proxied to catalog's internal API) ─────────────────────────────────────────────────
const category = z.enum(['CUT_FLOWER', 'FOLIAGE', 'ORCHID', 'SPRING_ORCHID']);
const CatalogItem = response(
  'CatalogItem',
  z.object({ id: id(), category: z.string(), name: z.string(), imageUrl: z.string().nullable(), varietyCount: z.int() }),
);
export const CatalogItemPage = response('CatalogItemPage', pageOf(CatalogItem));
export { CatalogItem };
export const VarietySummary = response(
  'VarietySummary',
  z.object({
    id: id(),
    itemId: id(),
    itemName: z.string(),
    name: z.string(),
    category: z.string(),
    colour: z.string().nullable(),
    imageUrls: z.array(z.string()),
    lastAuctionDate: day().nullable(),
    latestAvgPrice: z.int().nullable(),
  }),
);
export const VarietyPage = response('VarietyPage', pageOf(VarietySummary));
export const VarietyDetail = response(
  'VarietyDetail',
  VarietySummary.extend({
    latestPrices: z.array(
      z.object({
        grade: z.string().describe('Auction grade (특1, 상, …).'),
        saleDate: day(),
        minPrice: z.int(),
        avgPrice: z.int(),
        maxPrice: z.int(),
        totalQuantity: z.int(),
        totalAmount: z.int(),
        previous: z.object({ saleDate: day(), avgPrice: z.int() }).nullable(),
        avgChange: z.number().nullable(),
        avgChangeRate: z.number().nullable(),
      }),
    ),
  }),
);
export const PriceHistory = response(
  'PriceHistory',
  z.object({
    varietyId: id(),
    grade: z.string(),
    points: z.array(z.object({ saleDate: day(), minPrice: z.int(), avgPrice: z.int(), maxPrice: z.int(), totalQuantity: z.int(), totalAmount: z.int() })),
  }),
);
export const itemQuery = z.object({ ...pageQuery, category: category.optional(), q: text(50).optional() });
export const varietyQuery = z.object({
  ...pageQuery,
  q: text(50).optional().describe('Part of the item or variety name; 초성 (ㅈㅁ) matches too.'),
  itemId: id().optional(),
  category: category.optional(),
  buyableFrom: day().optional().describe('Auctioned on or after this day; not after buyableTo.'),
  buyableTo: day().optional().describe('Auctioned on or before this day; not before buyableFrom.'),
  sort: z.enum(['name', '-lastAuctionDate', 'latestAvgPrice', '-latestAvgPrice']).optional(),
});
export const priceHistoryQuery = z.object({
  grade: text(20, 1).describe('Auction grade as the aT data names it (특1, 상, …).'),
  from: day().optional().describe('First day, inclusive; not after `to`; at most 366 days before `to`. Default: 89 days before `to`.'),
  to: day().optional().describe('Last day, inclusive. Default: 89 days after `from`, or today (Asia/Seoul) without `from`.'),
});
export const VarietyCuration = request(
  'VarietyCuration',
  z.object({ colour: text(30).nullable().optional(), imageUrls: z.array(z.url({ protocol: /^https$/ }).max(500)).max(10).optional() }),
);
export const ItemCuration = request('ItemCuration', z.object({ imageUrl: z.url({ protocol: /^https$/ }).max(500).nullable().optional() }));

// ── statements, ledger and payments (proxied to billing's internal API) ─────────────────────────
const StatementParty = z.object({ id: id(), name: z.string() });
export const StatementSummary = response(
  'StatementSummary',
  z.object({
    id: id(),
    number: z.string().describe('Unique per wholesaler; a re-issue keeps it and raises the version.'),
    version: z.int(),
    supersedes: id().nullable(),
    supersededBy: id().nullable(),
    status: z.enum(['CURRENT', 'SUPERSEDED']),
    issuedAt: instant().nullable(),
    issueDay: day(),
    wholesaler: StatementParty.extend({ companyName: z.string() }),
    retailer: StatementParty,
    orders: z.array(z.object({ orderId: id(), orderNumber: z.string() })),
    lineCount: z.int(),
    total: z.int().describe('합계 — Σ quantity × unit price of its lines, KRW.'),
    previousBalance: z.int().describe('전잔액 — what the retailer owed before this statement, KRW.'),
    payments: z.int().describe('입금 — payments since the pair’s previous statement, KRW.'),
    balance: z.int().describe('잔액 — previousBalance + total − payments, KRW.'),
    pages: z.int().nullable(),
    ordersChanged: z.boolean().describe('An order changed after the statement was issued (re-issue to print the change).'),
  }),
);
export const StatementPage = response('StatementPage', pageOf(StatementSummary));
export const StatementDetail = response(
  'StatementDetail',
  StatementSummary.extend({
    supplier: z.object({
      businessNumber: z.string(),
      companyName: z.string(),
      representative: z.string(),
      address: z.string(),
      phone: z.string(),
      businessType: z.string(),
      businessItem: z.string(),
      bankAccount: z.string(),
    }),
    lines: z.array(
      z.object({
        orderId: id(),
        orderNumber: z.string(),
        lineId: id(),
        kind: z.enum(['ITEM', 'CUSTOM', 'SHIPPING_FEE']),
        itemName: z.string(),
        varietyName: z.string(),
        grade: grade.nullable(),
        quantity: z.int(),
        unitPrice: z.int(),
        amount: z.int(),
        memo: z.string().nullable(),
      }),
    ),
    document: z.object({ sha256: z.string().nullable(), sizeBytes: z.int().nullable(), pages: z.int().nullable() }),
  }),
);
export const statementQuery = z.object({
  ...pageQuery,
  retailerId: id().optional().describe('Wholesaler side: one retailer’s statements.'),
  wholesalerId: id().optional().describe('Retailer side: one wholesaler’s statements.'),
  from: day().optional(),
  to: day().optional(),
});
export const StatementRequest = request(
  'StatementRequest',
  z
    .union([
      z.object({ orderIds: z.array(id()).min(1).max(100).describe('One order sheet, or several of one retailer.') }).strict(),
      z.object({ retailerId: id(), day: day().describe('All of that retailer’s order sheets of this Seoul day.') }).strict(),
    ])
    .describe('Either the order sheets, or a retailer and a day.'),
);
export const StatementDownload = response(
  'StatementDownload',
  z.object({ url: z.string().describe('Presigned GET of the PDF; valid a few minutes.'), expiresAt: instant() }),
);
export const Ledger = response(
  'Ledger',
  z.object({
    wholesalerId: id(),
    retailerId: id(),
    balance: z.int().describe('What the retailer owes the wholesaler now, KRW.'),
    entries: z.array(
      z.object({
        id: id(),
        kind: z.enum(['CHARGE', 'PAYMENT']),
        at: instant(),
        amount: z.int(),
        statementId: id().nullable(),
        memo: z.string().nullable(),
        balanceAfter: z.int(),
        recordedAt: instant(),
      }),
    ),
  }),
);
export const ledgerQuery = z.object({
  retailerId: id().optional().describe('Wholesaler side (owner or staff): the retailer. Required for them.'),
  wholesalerId: id().optional().describe('Retailer side: the wholesaler. Required for a retailer.'),
});
export const PaymentInput = request(
  'PaymentInput',
  z
    .object({
      retailerId: id(),
      amount: z
        .int()
        .min(1)
        .meta({ maximum: MAX_ORDER_TOTAL, description: `KRW received, at most ${MAX_ORDER_TOTAL.toLocaleString('en-US')} (above: 422 payment-limit-exceeded).` }),
      paidAt: z.iso.datetime({ offset: true }).optional(),
      memo: text(200).optional(),
    })
    .strict(),
);
export const Payment = response(
  'Payment',
  z.object({
    id: id(),
    wholesalerId: id(),
    retailerId: id(),
    amount: z.int(),
    paidAt: instant(),
    memo: z.string().nullable(),
    recordedBy: id(),
    recordedAt: instant(),
    balanceAfter: z.int(),
  }),
);

// ── the SMS delivery log (proxied to the notifier's internal API; ADMIN only) ───────────────────
const SmsDeliveryBase = z.object({
  id: id(),
  eventId: id(),
  template: z.string(),
  recipient: z.string().describe('Masked: 010****5678.'),
  type: z.enum(['SMS', 'LMS']),
  provider: z.string(),
  status: z.enum(['PENDING', 'SENT', 'FAILED', 'SKIPPED']),
  providerStatus: z.string().nullable(),
  providerMessage: z.string().nullable(),
  requestId: z.string().nullable(),
  createdAt: instant(),
  sentAt: instant().nullable(),
});
export const SmsDelivery = response('SmsDelivery', SmsDeliveryBase.extend({ attempts: z.int() }));
export const SmsDeliveryPage = response('SmsDeliveryPage', pageOf(SmsDelivery));
export const SmsDeliveryDetail = response(
  'SmsDeliveryDetail',
  SmsDeliveryBase.extend({
    attempts: z.array(
      z.object({
        at: instant(),
        outcome: z.string(),
        httpStatus: z.int().nullable(),
        providerStatus: z.string().nullable(),
        providerMessage: z.string().nullable(),
        requestId: z.string().nullable(),
        durationMs: z.int(),
      }),
    ),
    subject: z.string().nullable(),
    text: z.string().describe('As sent, verification codes masked.'),
    byteLength: z.int(),
    expiresAt: instant().nullable(),
    nextAttemptAt: instant().nullable(),
  }),
);
export const smsDeliveryQuery = z.object({
  ...pageQuery,
  status: z.enum(['PENDING', 'SENT', 'FAILED', 'SKIPPED']).optional(),
  template: text(60).optional(),
  phone: z.string().regex(/^01\d-?\d{3,4}-?\d{4}$/).optional(),
  eventId: id().optional(),
  from: text(40).optional().describe('An ISO 8601 date-time with offset, or a Seoul day.'),
  to: text(40).optional().describe('An ISO 8601 date-time with offset, or a Seoul day (inclusive).'),
});

// ── what the proxied services answer fits what the edge documents ───────────────────────────────
// The edge passes billing's, catalog's and the notifier's answers through; its public schemas above
// are what clients were promised. Each pair below compiles only while every answer the owner's
// contract allows (its generated types) is a valid value of the edge's schema, so a change in an
// owner's contract that the edge would pass on unannounced fails the build.
type Fits<Inner extends Edge, Edge> = Inner;
export type ProxiedAnswersFit = [
  Fits<BillingApi.StatementPage, z.output<typeof StatementPage>>,
  Fits<BillingApi.StatementDetail, z.output<typeof StatementDetail>>,
  Fits<BillingApi.StatementDownload, z.output<typeof StatementDownload>>,
  Fits<BillingApi.Ledger, z.output<typeof Ledger>>,
  Fits<CatalogApi.CatalogItemPage, z.output<typeof CatalogItemPage>>,
  Fits<CatalogApi.CatalogItem, z.output<typeof CatalogItem>>,
  Fits<CatalogApi.VarietyPage, z.output<typeof VarietyPage>>,
  Fits<CatalogApi.VarietySummary, z.output<typeof VarietySummary>>,
  Fits<CatalogApi.VarietyDetail, z.output<typeof VarietyDetail>>,
  Fits<CatalogApi.PriceHistory, z.output<typeof PriceHistory>>,
  Fits<NotifierApi.SmsDeliveryPage, z.output<typeof SmsDeliveryPage>>,
  Fits<NotifierApi.SmsDeliveryDetail, z.output<typeof SmsDeliveryDetail>>,
];
