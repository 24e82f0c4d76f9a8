import { seoulDay } from '@marketbill/platform';
import { dailySummary } from '../../use-cases/orders/daily-summary';
import { setDailyPrice } from '../../use-cases/orders/set-daily-price';
import { route, type RouteSpec } from './route';
import * as S from './schemas';

const WHOLESALER = ['WHOLESALER_OWNER', 'WHOLESALER_STAFF'] as const;

/** The wholesaler's day: one price per variety, grade and day; the summary and pick list. */
export function pricingRoutes(): RouteSpec[] {
  return [
    route({
      method: 'put',
      path: '/v1/daily-prices',
      operationId: 'setDailyPrice',
      summary: 'Set one price for a variety and grade on a day, applied to every matching line (wholesaler)',
      description:
        'Applies to the wholesaler’s placed orders of that Seoul day and to orders placed later that day. Each changed order publishes order.updated. ' +
        'A variety the catalog does not know answers 404 variety-not-found.',
      tags: ['pricing'],
      auth: 'bearer',
      roles: WHOLESALER,
      body: S.DailyPriceInput,
      errors: [404, 422],
      status: 200,
      response: S.DailyPriceApplied,
      run: ({ ctx, actor, body }) => setDailyPrice(ctx, actor, body),
      respond: (r) => ({ day: r.price.day, varietyId: r.price.varietyId, grade: r.price.grade, unitPrice: r.price.unitPrice, orders: r.orders }),
    }),
    route({
      method: 'get',
      path: '/v1/wholesaler/daily-summary',
      operationId: 'getDailySummary',
      summary: 'The day’s orders summed up, with the pick list (wholesaler)',
      tags: ['pricing'],
      auth: 'bearer',
      roles: WHOLESALER,
      query: S.dayQuery,
      status: 200,
      response: S.DailySummary,
      run: ({ ctx, actor, query }) => dailySummary(ctx, actor, query.day ?? seoulDay(ctx.now())),
    }),
  ];
}
