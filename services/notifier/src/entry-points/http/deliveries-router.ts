import { Router, type RequestHandler } from 'express';
import { addDays, buildInternalApiDocument, createOperationsRouter, internalOperation, isDay, maskPhone, readActorHeader, requireInternalCaller, seoulDayStart, type InternalCallers, type InternalOperation, type Logger, type Orm } from '@marketbill/platform';
import { parseActor } from '@marketbill/schemas';
import { AdminRequiredError } from '../../domain/notifier-errors';
import { getDelivery } from '../../use-cases/get-delivery';
import { listDeliveries } from '../../use-cases/list-deliveries';
import { catalogue, idParams, listQuery, SmsDeliveryDetail, SmsDeliveryPage } from './deliveries-api-schemas';

/** `from` is inclusive; a day in `to` includes that whole Seoul day. */
function fromBound(v: string): Date {
  return isDay(v) ? seoulDayStart(v) : new Date(v);
}
function toBound(v: string): Date {
  return isDay(v) ? seoulDayStart(addDays(v, 1)) : new Date(v);
}

type Deps = { orm: Orm; logger: Logger };
const tags = ['deliveries'];
const adminOf = (res: { locals: Record<string, unknown> }) => (res.locals.actor as { accountId: string }).accountId;

/** The notifier's internal operations: each one declared once, mounted and documented from that declaration. */
export function deliveryOperations(deps: Deps): InternalOperation[] {
  return [
    internalOperation({
      method: 'get',
      path: '/deliveries',
      operationId: 'listDeliveries',
      summary: 'The SMS delivery log, newest first, filtered.',
      description: 'ADMIN actor only (403 admin-required otherwise); every read is logged with the admin’s account id.',
      tags,
      actor: 'required',
      query: listQuery,
      status: 200,
      response: SmsDeliveryPage,
      errors: [403],
      async run({ query: q, res }) {
        const page = await listDeliveries(
          deps.orm.em.fork(),
          {
            ...(q.status ? { status: q.status } : {}),
            ...(q.template ? { template: q.template } : {}),
            ...(q.phone ? { recipient: q.phone } : {}),
            ...(q.eventId ? { eventId: q.eventId } : {}),
            ...(q.from ? { from: fromBound(q.from) } : {}),
            ...(q.to ? { to: toBound(q.to) } : {}),
          },
          { page: q.page, size: q.size },
        );
        deps.logger.info({ actor: adminOf(res), filter: { ...q, ...(q.phone ? { phone: maskPhone(q.phone) } : {}) }, total: page.total }, 'delivery log read by an administrator');
        return page;
      },
    }),
    internalOperation({
      method: 'get',
      path: '/deliveries/{id}',
      operationId: 'getDelivery',
      summary: 'One delivery with its attempts and its text (codes masked).',
      description: 'ADMIN actor only; every read is logged with the admin’s account id.',
      tags,
      actor: 'required',
      params: idParams,
      status: 200,
      response: SmsDeliveryDetail,
      errors: [403, 404],
      async run({ params, res }) {
        const detail = await getDelivery(deps.orm.em.fork(), params.id);
        deps.logger.info({ deliveryId: params.id, actor: adminOf(res) }, 'delivery read by an administrator');
        return detail;
      },
    }),
  ];
}

/**
 * The delivery log for administrators, behind the internal token; the edge exposes it to ADMIN
 * users and names them in the actor header, which is checked here again.
 */
export function createDeliveriesRouter(deps: Deps & { internalApiCallers: InternalCallers }): Router {
  const router = Router();
  const requireAdmin: RequestHandler = (req, res, next) => {
    const actor = parseActor(readActorHeader(req));
    if (!actor || actor.role !== 'ADMIN') return next(AdminRequiredError.forDeliveryLog());
    res.locals.actor = actor;
    next();
  };
  router.use('/internal/v1/deliveries', requireInternalCaller(deps.internalApiCallers), requireAdmin);
  return router.use('/internal/v1', createOperationsRouter(deliveryOperations(deps)));
}

/** The contract committed as schemas/notifier/internal-api.openapi.json (built without any I/O). */
export function internalApiDocument(): Record<string, unknown> {
  return buildInternalApiDocument({
    title: 'MarketBill notifier — internal API',
    description: 'The SMS delivery log, for administrators through the ordering edge. Pages count from 0, as at the edge.',
    version: '1',
    operations: deliveryOperations({} as Deps),
    catalogue,
  });
}
