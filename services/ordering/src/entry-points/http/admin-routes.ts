import { z } from 'zod';
import { accountDetails } from '../../use-cases/accounts/get-account';
import { listAccounts, setAccountDisabled } from '../../use-cases/admin/manage-accounts';
import { route, type RouteSpec } from './route';
import * as S from './admin-schemas';
import { toAccount } from './views';

const ADMIN = ['ADMIN'] as const;

/**
 * Operator endpoints, ADMIN only. The notifier's delivery log (`/v1/admin/sms-deliveries`) joins
 * here when the notifier's internal API lands, as its own route module under the same tag.
 */
export function adminRoutes(): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/v1/admin/accounts',
      operationId: 'adminListAccounts',
      summary: 'Accounts by role and name or phone (ADMIN)',
      description: 'Accounts by role and by part of the name or phone, newest first (ADMIN).',
      tags: ['admin'],
      auth: 'bearer',
      roles: ADMIN,
      query: S.accountQuery,
      status: 200,
      response: S.AccountPage,
      run: ({ ctx, actor, query }) => listAccounts(ctx, actor, query),
      respond: (p) => ({ ...p, items: p.items.map((a) => toAccount(a)) }),
    }),
    route({
      method: 'get',
      path: '/v1/admin/accounts/{accountId}',
      operationId: 'adminGetAccount',
      summary: 'One account (ADMIN)',
      description: 'One account by id, with the wholesaler it acts for when it is an owner or staff (ADMIN).',
      tags: ['admin'],
      auth: 'bearer',
      roles: ADMIN,
      params: z.object({ accountId: z.uuid() }),
      status: 200,
      response: S.Account,
      errors: [404],
      run: ({ ctx, params }) => accountDetails(ctx.em, params.accountId),
      respond: (r) => toAccount(r.account, r.wholesaler?.owner.name ?? null),
    }),
    route({
      method: 'patch',
      path: '/v1/admin/accounts/{accountId}',
      operationId: 'adminSetAccountStatus',
      summary: 'Disable or re-enable an account (ADMIN)',
      description: 'Disables an account (it can no longer sign in or refresh) or enables it again (ADMIN).',
      examples: { disable: { summary: 'Disable', value: { disabled: true } } },
      tags: ['admin'],
      auth: 'bearer',
      roles: ADMIN,
      params: z.object({ accountId: z.uuid() }),
      body: S.AccountStatusInput,
      status: 200,
      response: S.Account,
      errors: [404],
      run: ({ ctx, actor, params, body }) => setAccountDisabled(ctx, actor, params.accountId, body.disabled),
      respond: (a) => toAccount(a),
    }),
  ];
}
