import { z } from 'zod';
import { createStaffInvitation } from '../../use-cases/wholesalers/create-staff-invitation';
import { getOwnWholesaler, getWholesaler } from '../../use-cases/wholesalers/get-wholesaler';
import { listStaff } from '../../use-cases/wholesalers/list-staff';
import { listWholesalers } from '../../use-cases/wholesalers/list-wholesalers';
import { updateWholesalerProfile } from '../../use-cases/wholesalers/update-wholesaler-profile';
import { updateWholesalerSettings } from '../../use-cases/wholesalers/update-wholesaler-settings';
import { route, type RouteSpec } from './route';
import * as S from './schemas';
import { toAccount, toWholesaler } from './views';

const OWNER = ['WHOLESALER_OWNER'] as const;
const WHOLESALER = ['WHOLESALER_OWNER', 'WHOLESALER_STAFF'] as const;

/** Wholesalers: the directory retailers apply from, and a wholesaler's own profile, settings and staff. */
export function wholesalerRoutes(): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/v1/wholesalers',
      operationId: 'listWholesalers',
      summary: 'Wholesalers to trade with (by shop name), with the caller’s connection state',
      description: 'Active wholesalers whose shop name contains `q`, with the caller’s (a retailer’s) latest application to each; a retailer applies from here.',
      tags: ['wholesalers'],
      auth: 'bearer',
      query: z.object({ ...S.pageQuery, q: S.text(50).optional().describe('Part of the shop name.') }),
      status: 200,
      response: S.WholesalerPage,
      run: ({ ctx, actor, query }) => listWholesalers(ctx, actor, query),
      respond: (p) => ({ ...p, items: p.items.map((i) => ({ id: i.owner.id, name: i.owner.name, connection: i.connection })) }),
    }),
    route({
      method: 'get',
      path: '/v1/wholesalers/{wholesalerId}',
      operationId: 'getWholesaler',
      summary: 'One wholesaler with its business profile',
      description:
        'A wholesaler’s shop, cutoff time and business profile (null until the owner fills it in); a disabled wholesaler is 404. ' +
        'The business registration number, representative, bank account and seal are shown (view FULL) to the wholesaler’s own owner and staff, ADMIN and retailers with a CONFIRMED connection; ' +
        'others signed in see the shop (view SHOP: those fields null).',
      tags: ['wholesalers'],
      auth: 'bearer',
      params: S.idParam('wholesalerId'),
      status: 200,
      response: S.Wholesaler,
      errors: [404],
      run: ({ ctx, actor, params }) => getWholesaler(ctx, actor, params.wholesalerId as string),
      respond: (r) => toWholesaler(r.wholesaler, r.owner, r.view),
    }),
    route({
      method: 'get',
      path: '/v1/wholesaler',
      operationId: 'getOwnWholesaler',
      summary: 'The caller’s wholesaler (owner or staff)',
      description: 'For owners and staff: the wholesaler they act for.',
      tags: ['wholesalers'],
      auth: 'bearer',
      roles: WHOLESALER,
      status: 200,
      response: S.Wholesaler,
      run: ({ ctx, actor }) => getOwnWholesaler(ctx, actor),
      respond: (r) => toWholesaler(r.wholesaler, r.owner, r.view),
    }),
    route({
      method: 'put',
      path: '/v1/wholesaler/profile',
      operationId: 'updateBusinessProfile',
      summary: 'Create or replace the business profile (owner only)',
      description: 'The business registration number (10 digits, dashes allowed) must have a valid check digit (400 at businessNumber); the profile is required before a statement can be issued. Publishes wholesaler.profile.updated (billing prints it on statements). Staff may not change it (403 owner-only).',
      examples: { profile: { summary: 'As printed on statements (공급자)', value: { businessNumber: '220-81-62517', companyName: '양재꽃상회', representative: '김꽃님', address: '서울특별시 서초구 강남대로 27 양재꽃시장 가동 101호', phone: '02-579-1234', businessType: '도소매', businessItem: '화훼', bankAccount: '농협 123-4567-8901-23 김꽃님', sealImageUrl: null } } },
      tags: ['wholesalers'],
      auth: 'bearer',
      roles: OWNER,
      body: S.BusinessProfileInput,
      status: 200,
      response: S.Wholesaler,
      run: ({ ctx, actor, body }) => updateWholesalerProfile(ctx, actor, body),
      respond: (r) => toWholesaler(r.wholesaler, r.owner),
    }),
    route({
      method: 'patch',
      path: '/v1/wholesaler/settings',
      operationId: 'updateWholesalerSettings',
      summary: 'Change the cutoff time (owner only)',
      description: 'The cutoff (HH:MM, Asia/Seoul, 00:00–23:59): carts still open then are ordered automatically by the same path as a manual order. Owner only.',
      examples: { cutoff: { summary: 'Order open carts at 22:00', value: { cutoffTime: '22:00' } } },
      tags: ['wholesalers'],
      auth: 'bearer',
      roles: OWNER,
      body: S.SettingsInput,
      status: 200,
      response: S.Wholesaler,
      run: ({ ctx, actor, body }) => updateWholesalerSettings(ctx, actor, body),
      respond: (r) => toWholesaler(r.wholesaler, r.owner),
    }),
    route({
      method: 'post',
      path: '/v1/wholesaler/invitations',
      operationId: 'createStaffInvitation',
      summary: 'Create a staff invitation code (owner only)',
      description: 'A one-time code (valid 72 hours by default) that a staff member enters at sign-up (role WHOLESALER_STAFF) to join this wholesaler. The code is shown only in this answer. Owner only.',
      tags: ['wholesalers'],
      auth: 'bearer',
      roles: OWNER,
      idempotent: true,
      status: 201,
      response: S.Invitation,
      run: ({ ctx, actor }) => createStaffInvitation(ctx, actor),
      respond: (r) => ({ id: r.id, code: r.code, expiresAt: r.expiresAt.toISOString() }),
    }),
    route({
      method: 'get',
      path: '/v1/wholesaler/staff',
      operationId: 'listStaff',
      summary: 'The owner’s staff members',
      description: 'The staff accounts that joined this wholesaler with an invitation code. Owner only.',
      tags: ['wholesalers'],
      auth: 'bearer',
      roles: OWNER,
      status: 200,
      response: S.StaffList,
      run: ({ ctx, actor }) => listStaff(ctx, actor),
      respond: (staff) => ({ items: staff.map((a) => toAccount(a)) }),
    }),
  ];
}
