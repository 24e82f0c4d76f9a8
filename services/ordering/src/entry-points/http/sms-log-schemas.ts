import { z } from 'zod';
import { pageOf } from '@marketbill/platform';
import { id, instant, pageQuery, response, text } from './shared-schemas';

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

// Shared by the routes of this area (they import one schema module).
export { idParam } from './shared-schemas';
