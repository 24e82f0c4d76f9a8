import { lockLedgerAccount } from '../data-access/ledger-repository';
import { claimExpiredReservations, deleteStatementOrders, findStatement } from '../data-access/statement-repository';
import { finishStatement } from './finish-statement';
import type { IssuingDeps } from './issuing-deps';

export interface ResumeOutcome {
  issued: string[];
  failed: string[];
  released: string[];
}

/**
 * Finishes reservations that a failed or crashed issue left behind (their lease ran out, or the
 * process holding it died): the request asked for the statement and its content is frozen, so the
 * job completes it. After `maxAttempts` failed attempts the reservation is released instead: its
 * orders can be stated again, its number is never used, and the pair is free for the next
 * statement. Attempts that failed because the PDF store was unavailable do not count: an S3
 * outage, however long, never voids a statement — the job finishes it when the store is back.
 */
export async function resumeReservedStatements(deps: IssuingDeps, options: { maxAttempts: number; batch?: number }): Promise<ResumeOutcome> {
  const outcome: ResumeOutcome = { issued: [], failed: [], released: [] };
  const claimed = await claimExpiredReservations(deps.orm.em.fork(), deps.leaseSeconds, options.batch ?? 10, deps.owner());
  for (const { id, attempts } of claimed) {
    if (attempts >= options.maxAttempts) {
      await releaseReservation(deps, id);
      outcome.released.push(id);
      continue;
    }
    try {
      await finishStatement(deps, id);
      outcome.issued.push(id);
      deps.logger.info({ statementId: id, attempts: attempts + 1 }, 'reserved statement resumed and issued');
    } catch (error) {
      outcome.failed.push(id);
      deps.logger.warn({ statementId: id, err: error }, 'reserved statement could not be resumed');
    }
  }
  return outcome;
}

async function releaseReservation(deps: IssuingDeps, id: string): Promise<void> {
  await deps.orm.em.fork().transactional(async (em) => {
    const statement = await findStatement(em, id, true);
    if (!statement || statement.status !== 'RESERVED') return;
    const account = await lockLedgerAccount(em, statement.wholesalerId, statement.retailerId);
    statement.status = 'RELEASED';
    statement.releasedAt = new Date();
    // The key may be used again: a retry after the release starts a new statement.
    statement.idempotencyKey = null;
    // A first issue claimed its orders; a re-issue's orders still belong to the version it meant to replace.
    if (!statement.supersedesId) await deleteStatementOrders(em, statement.id);
    if (account.statementInFlight === statement.id) account.statementInFlight = null;
    deps.logger.error({ statementId: id, number: statement.number, attempts: statement.attempts, lastError: statement.lastError }, 'reserved statement released after repeated failures');
  });
}

