import { applyForConnection } from '../../use-cases/connections/apply-for-connection';
import { decideConnection } from '../../use-cases/connections/decide-connection';
import { getConnection, listConnections } from '../../use-cases/connections/list-connections';
import { route, type RouteSpec } from './route';
import * as S from './schemas';
import { toConnection } from './views';

/** Connections (거래처): a retailer applies, the wholesaler decides; only CONFIRMED may order. */
export function connectionRoutes(): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/v1/connections',
      operationId: 'applyForConnection',
      summary: 'Apply to trade with a wholesaler (retailer)',
      description: 'Refused (409 connection-exists) while an application to that wholesaler is pending or confirmed; allowed again after a rejection. Publishes connection.requested.',
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
      description: 'Publishes connection.decided.',
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
