import { z } from 'zod';
import { pageOf } from '@marketbill/platform';
import { ROLES } from '@marketbill/schemas';
import { Account } from './auth-schemas';
import { pageQuery, request, response, text } from './shared-schemas';

// ── admin ───────────────────────────────────────────────────────────────────────────────────────
export const AccountPage = response('AccountPage', pageOf(Account));
export const accountQuery = z.object({ ...pageQuery, role: z.enum(ROLES).optional(), q: text(50).optional() });
export const AccountStatusInput = request('AccountStatusInput', z.object({ disabled: z.boolean() }));

// Shared by the routes of this area (they import one schema module).
export { Account } from './auth-schemas';
