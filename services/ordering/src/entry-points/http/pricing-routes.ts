import { seoulDay } from '@marketbill/platform';
import { dailySummary } from '../../use-cases/orders/daily-summary';
import { setDailyPrice } from '../../use-cases/orders/set-daily-price';
import { route, type RouteSpec } from './route';
import * as S from './pricing-schemas';

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
        'One price for a variety and grade on a Seoul day (판매가 일괄적용): applied to every matching line of the wholesaler’s placed orders of that day and to orders placed later that day. Each changed order publishes order.updated. ' +
        'A variety the catalog does not know answers 404 variety-not-found.',
      examples: { price: { summary: 'Upper-grade roses at 13,000원 today', value: { day: '2026-11-26', varietyId: 'a2b3c4d5-e6f7-4809-9a1b-2c3d4e5f6a7b', grade: 'UPPER', unitPrice: 13000 } } },
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
      description: 'For one Seoul day (today by default): order sheets, retailers, varieties, the pick list per variety and grade with the daily price and an auction suggestion, and revenue of priced lines.',
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
