import { applyForConnection } from '../../use-cases/connections/apply-for-connection';
import { decideConnection } from '../../use-cases/connections/decide-connection';
import { getConnection, listConnections } from '../../use-cases/connections/list-connections';
import { route, type RouteSpec } from './route';
import * as S from './connection-schemas';
import { toConnection } from './views';

/** Connections (거래처): a retailer applies, the wholesaler decides; only CONFIRMED may order. */
export function connectionRoutes(): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/v1/connections',
      operationId: 'applyForConnection',
      summary: 'Apply to trade with a wholesaler (retailer)',
      description: 'The retailer applies to trade with a wholesaler (APPLYING). Refused (409 connection-exists) while an application to that wholesaler is pending or confirmed; allowed again after a rejection. An unknown or disabled wholesaler is 404. Publishes connection.requested (the wholesaler is texted).',
      location: (b) => `/v1/connections/${String(b.id)}`,
      examples: { apply: { summary: 'Apply to a wholesaler found with listWholesalers', value: { wholesalerId: '3f8a9b0c-1d2e-4f5a-8b6c-7d8e9f0a1b2c' } } },
      links: { GetConnection: { operationId: 'getConnection', description: 'The application just made.', parameters: { connectionId: '$response.body#/id' } }, DecideConnection: { operationId: 'decideConnection', description: 'The wholesaler approves or rejects it.', parameters: { connectionId: '$response.body#/id' } } },
      tags: ['connections'],
      auth: 'bearer',
      roles: ['RETAILER'],
      idempotent: true,
      body: S.ConnectionInput,
      status: 201,
      response: S.Connection,
      errors: [404, 409],
      run: ({ ctx, actor, body }) => applyForConnection(ctx, actor, body),
      respond: toConnection,
    }),
    route({
      method: 'get',
      path: '/v1/connections',
      operationId: 'listConnections',
      summary: 'Connections the caller is party to',
      description: 'A retailer sees its applications, a wholesaler’s owner and staff those made to it, ADMIN all; newest first, optionally by status.',
      tags: ['connections'],
      auth: 'bearer',
      query: S.connectionQuery,
      status: 200,
      response: S.ConnectionPage,
      run: ({ ctx, actor, query }) => listConnections(ctx, actor, query),
      respond: (p) => ({ ...p, items: p.items.map(toConnection) }),
    }),
    route({
      method: 'get',
      path: '/v1/connections/{connectionId}',
      operationId: 'getConnection',
      summary: 'One connection',
      description: 'One connection the caller is party to (anything else is 404).',
      tags: ['connections'],
      auth: 'bearer',
      params: S.idParam('connectionId'),
      status: 200,
      response: S.Connection,
      errors: [404],
      run: ({ ctx, actor, params }) => getConnection(ctx, actor, params.connectionId as string),
      respond: toConnection,
    }),
    route({
      method: 'post',
      path: '/v1/connections/{connectionId}/decision',
      operationId: 'decideConnection',
      summary: 'Approve or reject a pending application (wholesaler owner or staff)',
      description: 'Only a pending (APPLYING) application can be decided (409 connection-not-pending); only the wholesaler applied to may decide (else 404). Publishes connection.decided (the retailer is texted). A CONFIRMED connection lets the retailer order.',
      examples: { approve: { summary: 'Approve', value: { decision: 'CONFIRMED' } }, reject: { summary: 'Reject', value: { decision: 'REJECTED' } } },
      links: { GetConnection: { operationId: 'getConnection', description: 'The decided connection.', parameters: { connectionId: '$response.body#/id' } } },
      tags: ['connections'],
      auth: 'bearer',
      roles: ['WHOLESALER_OWNER', 'WHOLESALER_STAFF'],
      params: S.idParam('connectionId'),
      body: S.DecisionInput,
      status: 200,
      response: S.Connection,
      errors: [404, 409],
      run: ({ ctx, actor, params, body }) => decideConnection(ctx, actor, params.connectionId as string, body.decision),
      respond: toConnection,
    }),
  ];
}
