import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { isDay, maskPhone, parseInput, readActor, requireInternalCaller, seoulDayStart, addDays, type InternalCallers, type Logger, type Orm } from '@marketbill/platform';
import { DELIVERY_STATUSES } from '../../domain/delivery-policy';
import { AdminRequiredError } from '../../domain/notifier-errors';
import { TEMPLATE_NAMES } from '../../domain/templates';
import { getDelivery } from '../../use-cases/get-delivery';
import { listDeliveries, type DeliveryRepository } from '../../use-cases/list-deliveries';

/** An instant (ISO 8601 with offset) or a Seoul day (YYYY-MM-DD). */
const instantOrDay = z.string().refine((v) => isDay(v) || (/T/.test(v) && !Number.isNaN(Date.parse(v))), 'an ISO 8601 date-time with offset, or YYYY-MM-DD');

const listQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    template: z.enum(TEMPLATE_NAMES).optional(),
    phone: z
      .string()
      .transform((v) => v.replace(/-/g, ''))
      .pipe(z.string().regex(/^\d{9,11}$/, 'a phone number, digits only'))
      .optional(),
    eventId: z.uuid().optional(),
    from: instantOrDay.optional(),
    to: instantOrDay.optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    size: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** `from` is inclusive; a day in `to` includes that whole Seoul day. */
function fromBound(v: string): Date {
  return isDay(v) ? seoulDayStart(v) : new Date(v);
}
function toBound(v: string): Date {
  return isDay(v) ? seoulDayStart(addDays(v, 1)) : new Date(v);
}

const idParams = z.object({ id: z.uuid() });

/**
 * The delivery log for administrators, behind the internal token; the edge exposes it to ADMIN
 * users and names them in the actor header, which is checked here again.
 *   GET /internal/v1/deliveries?status=&template=&phone=&eventId=&from=&to=&page=&size=
 *   GET /internal/v1/deliveries/{id}
 */
export function createDeliveriesRouter(deps: { orm: Orm; deliveries: DeliveryRepository; internalApiCallers: InternalCallers; logger: Logger }): Router {
  const router = Router();
  const requireAdmin: RequestHandler = (req, res, next) => {
    const actor = readActor(req);
    if (!actor || actor.role !== 'ADMIN') return next(AdminRequiredError.forDeliveryLog());
    res.locals.actor = actor;
    next();
  };
  router.use('/internal/v1/deliveries', requireInternalCaller(deps.internalApiCallers), requireAdmin);

  router.get('/internal/v1/deliveries', async (req, res) => {
    const q = parseInput(listQuery, req.query, 'query');
    const page = await listDeliveries(
      deps,
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
    deps.logger.info(
      { actor: (res.locals.actor as { accountId: string }).accountId, filter: { ...q, ...(q.phone ? { phone: maskPhone(q.phone) } : {}) }, total: page.total },
      'delivery log read by an administrator',
    );
    res.json(page);
  });

  router.get('/internal/v1/deliveries/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'path');
    const detail = await getDelivery(deps, deps.orm.em.fork(), id);
    deps.logger.info({ deliveryId: id, actor: (res.locals.actor as { accountId: string }).accountId }, 'delivery read by an administrator');
    res.json(detail);
  });

  return router;
}
