import type { NotifierApi } from '@marketbill/schemas';
import type { NotifierClient } from '../../clients/notifier-client';
import { route, type RouteSpec } from './route';
import * as S from './sms-log-schemas';

/** The notifier's SMS delivery log, for ADMIN users (numbers masked, verification codes masked). */
export function smsLogRoutes(notifier: NotifierClient): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/v1/admin/sms-deliveries',
      operationId: 'listSmsDeliveries',
      summary: 'SMS deliveries, newest first (ADMIN)',
      description: 'SMS deliveries with their status, newest first, by status, template, phone, event or time (`from`/`to`: an ISO 8601 date-time with offset, or a Seoul day; `to` inclusive). Numbers and codes are masked (ADMIN).',
      tags: ['admin'],
      auth: 'bearer',
      roles: ['ADMIN'],
      query: S.smsDeliveryQuery,
      status: 200,
      response: S.SmsDeliveryPage,
      errors: [403, 503],
      // The edge takes any template name and the notifier refuses an unknown one (400), naming the
      // valid ones; the edge does not keep a copy of the notifier's template list.
      run: ({ actor, query, requestId }) => notifier.listDeliveries(actor, query as NotifierApi.ListDeliveriesQuery, requestId),
    }),
    route({
      method: 'get',
      path: '/v1/admin/sms-deliveries/{deliveryId}',
      operationId: 'getSmsDelivery',
      summary: 'One SMS delivery with every attempt and the provider’s answers (ADMIN)',
      description: 'One delivery with every attempt and what the provider answered (ADMIN).',
      tags: ['admin'],
      auth: 'bearer',
      roles: ['ADMIN'],
      params: S.idParam('deliveryId'),
      status: 200,
      response: S.SmsDeliveryDetail,
      errors: [403, 404, 503],
      run: ({ actor, params, requestId }) => notifier.getDelivery(actor, params.deliveryId as string, requestId),
    }),
  ];
}
