import { z } from 'zod';
import { ROLES } from '@marketbill/schemas';
import { SIGN_UP_ROLES } from '../../domain/actor';
import { id, instant, nonBlank, request, response, text } from './shared-schemas';

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
