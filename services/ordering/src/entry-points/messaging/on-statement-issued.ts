import type { EventHandler } from '@marketbill/messaging';
import type { StatementIssued } from '@marketbill/schemas';
import { recordStatementIssued } from '../../use-cases/statements/record-statement-issued';

/** statement.issued: the orders it covers point at it (number and version), newest statement wins. */
export const onStatementIssued: EventHandler<StatementIssued> = async (event, ctx) => {
  const updated = await recordStatementIssued(ctx.em, {
    statementId: event.statementId,
    statementNumber: event.statementNumber,
    version: event.version,
    issuedAt: event.issuedAt,
    orderIds: event.orders.map((o) => o.orderId),
  });
  ctx.logger.debug({ statementId: event.statementId, ordersUpdated: updated }, 'statement recorded on orders');
};
