import { z } from 'zod';
import { createSchemaCatalogue, isDay, pageOf, pageQuery } from '@marketbill/platform';
import { DELIVERY_STATUSES } from '../../domain/delivery-policy';
import { TEMPLATE_NAMES } from '../../domain/templates';

/**
 * The schemas of the notifier's internal API (the delivery log), in one catalogue: the routes parse
 * with them and the contract (schemas/notifier/internal-api.openapi.json, from which the callers'
 * types are generated) is made from them.
 */
export const catalogue = createSchemaCatalogue();
const { response } = catalogue;

/** An instant (ISO 8601 with offset) or a Seoul day (YYYY-MM-DD). */
const instantOrDay = z.string().refine((v) => isDay(v) || (/T/.test(v) && !Number.isNaN(Date.parse(v))), 'an ISO 8601 date-time with offset, or YYYY-MM-DD');

export const listQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    template: z.enum(TEMPLATE_NAMES).optional(),
    phone: z
      .string()
      .transform((v) => v.replace(/-/g, ''))
      .pipe(z.string().regex(/^\d{9,11}$/, 'a phone number, digits only'))
      .optional()
      .describe('The full number (dashes are ignored); exact match.'),
    eventId: z.uuid().optional(),
    from: instantOrDay.optional().describe('On createdAt, inclusive: an ISO 8601 instant with offset, or a Seoul day.'),
    to: instantOrDay.optional().describe('On createdAt: an ISO 8601 instant with offset, or a Seoul day (that whole day included).'),
    ...pageQuery(),
  })
  .strict();

export const idParams = z.object({ id: z.uuid() });

const deliveryFields = {
  id: z.uuid(),
  eventId: z.uuid(),
  template: z.string(),
  recipient: z.string().describe('Masked: 010****5678.'),
  type: z.enum(['SMS', 'LMS']),
  provider: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  providerStatus: z.string().nullable(),
  providerMessage: z.string().nullable(),
  requestId: z.string().nullable(),
  createdAt: z.string().describe('ISO 8601 instant.'),
  sentAt: z.string().nullable().describe('ISO 8601 instant.'),
};

export const SmsDelivery = response('SmsDelivery', z.object({ ...deliveryFields, attempts: z.int().describe('Number of provider calls.') }));
export const SmsDeliveryPage = response('SmsDeliveryPage', pageOf(SmsDelivery));
export const SmsDeliveryDetail = response(
  'SmsDeliveryDetail',
  z.object({
    ...deliveryFields,
    attempts: z.array(
      z.object({
        at: z.string().describe('ISO 8601 instant.'),
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
    expiresAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
  }),
);
