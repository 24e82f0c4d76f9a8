import { z } from 'zod';
import { pageOf } from '@marketbill/platform';
import { Account } from './auth-schemas';
import { id, instant, nonBlank, request, response } from './shared-schemas';

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

// Shared by the routes of this area (they import one schema module).
export { idParam, pageQuery, text } from './shared-schemas';
