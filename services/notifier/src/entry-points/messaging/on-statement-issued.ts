import type { EventHandler } from '@marketbill/messaging';
import type { StatementIssued } from '@marketbill/schemas';
import { statementIssuedNotice } from '../../domain/notices';
import { recordDeliveries } from '../../use-cases/record-deliveries';
import type { HandlerDeps } from './handler-deps';
import { toParty } from './from-events';

/** statement.issued: the florist gets the statement's total, balance and link. */
export function onStatementIssued(deps: HandlerDeps): EventHandler<StatementIssued> {
  return async (event, ctx) => {
    const notice = statementIssuedNotice(
      {
        statementId: event.statementId,
        statementNumber: event.statementNumber,
        version: event.version,
        wholesaler: toParty(event.wholesaler, deps.sealer),
        retailer: toParty(event.retailer, deps.sealer),
        total: event.total,
        balance: event.balance,
      },
      deps.links,
    );
    await recordDeliveries(deps, ctx.em, { eventId: ctx.eventId, topic: ctx.topic }, [notice], ctx.logger);
  };
}
