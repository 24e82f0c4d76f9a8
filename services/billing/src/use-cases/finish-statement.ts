import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { addExact, AppError, backoffDelay, sleep, subtractExact, UnavailableError } from '@marketbill/platform';
import { publish } from '../topics';
import type { StatementIssued } from '@marketbill/schemas';
import { StatementRenderFailedError } from '../domain/billing-errors';
import { statementObjectKey, statementPeriod, statementSequenceOf } from '../domain/statement';
import type { StatementRow } from '../data-access/entities';
import { addLedgerEntry, lockLedgerAccount } from '../data-access/ledger-repository';
import { deleteReservation, findStatement, moveStatementOrders, recordAttemptFailure, returnStatementSequence } from '../data-access/statement-repository';
import type { IssuingDeps } from './issuing-deps';

const tracer = trace.getTracer('billing');

/** The reservation was released (too many failed attempts) while this attempt was still running. */
export class StatementReleasedError extends AppError {
  static byId(id: string): StatementReleasedError {
    return new StatementReleasedError({
      code: 'statement-released',
      message: `The reservation ${id} was released after repeated failures; issue the statement again.`,
      httpStatus: 409,
    });
  }
}

/**
 * Second half of an issue, shared by issue, re-issue and the resume job: render the reserved
 * content and store the PDF outside any transaction, then, in one transaction, mark the statement
 * issued, write its ledger entries and publish `statement.issued` through the outbox.
 *
 * A failure to store the PDF leaves the reservation as it was (its lease freed, its attempt not
 * counted: the store being unavailable is no fault of the statement), so the same request, or the
 * resume job, can finish it; any other failure before the store (a seal that cannot be fetched is
 * simply left off, so that is a defect) counts towards the reservation's release. A failure to render undoes the reservation instead (the frozen content would fail
 * again): the pair is free and a first issue's number goes back (see abandonReservation). An
 * object stored by a failed attempt is overwritten by the next attempt of the same statement (its
 * key names the statement id, so no other statement ever writes it). A crash after the transaction is harmless: the
 * statement is issued, and a retry returns it.
 */
export async function finishStatement(deps: IssuingDeps, statementId: string, known?: StatementRow): Promise<StatementRow> {
  const reserved = known ?? (await findStatement(deps.orm.em.fork(), statementId));
  if (!reserved) throw new Error(`statement ${statementId} does not exist`);
  if (reserved.status === 'ISSUED') return reserved;
  if (reserved.status === 'RELEASED') throw StatementReleasedError.byId(statementId);
  const log = deps.logger.child({ statementId, number: reserved.number, version: reserved.version });

  const started = performance.now();
  let stored: { key: string; sha256: string; sizeBytes: number; pages: number };
  let storing = false;
  const span = tracer.startSpan('statement render and store', { attributes: { 'statement.id': statementId, 'statement.lines': reserved.lineCount } });
  try {
    const url = reserved.content.supplier.sealImageUrl;
    const seal = url ? await deps.seals.fetch(url) : undefined;
    let rendered: Awaited<ReturnType<IssuingDeps['renderer']['render']>>;
    try {
      rendered = await deps.renderer.render(reserved.content, seal);
    } catch (error) {
      // The content is frozen, so another attempt would render the same thing and fail the same way
      // (or hit the same time limit): undo the reservation now rather than hold the pair and a number.
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      await abandonReservation(deps, reserved, error);
      throw StatementRenderFailedError.because(error instanceof Error ? error.message : String(error), error);
    }
    const { pdf, pages } = rendered;
    const renderedAt = performance.now();
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const key = statementObjectKey(reserved.wholesalerId, reserved.number, reserved.version, reserved.id);
    storing = true;
    await deps.store.put(key, pdf, {
      'statement-id': reserved.id,
      'statement-number': reserved.number,
      'statement-version': String(reserved.version),
      sha256,
    });
    stored = { key, sha256, sizeBytes: pdf.byteLength, pages };
    span.setAttributes({ 'statement.pages': pages, 'statement.bytes': pdf.byteLength, 'statement.render_ms': Math.round(renderedAt - started), 'statement.seal': seal !== undefined });
    log.debug({ renderMs: Math.round(renderedAt - started), storeMs: Math.round(performance.now() - renderedAt), pages }, 'statement rendered and stored');
  } catch (error) {
    if (error instanceof StatementRenderFailedError) throw error;
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    // Render failures were handled above. The store not answering (S3 down, throttling, time-outs)
    // never counts; anything else before the store does, towards the reservation's release.
    const counted = !storing;
    await recordFailure(deps, statementId, describe(error), counted, log);
    log.warn({ err: error, counted }, storing ? 'storing the statement PDF failed; the reservation waits for the store' : 'preparing the statement failed; the reservation stays for a retry');
    if (error instanceof AppError) throw error;
    throw UnavailableError.dependency('statement-rendering', error);
  } finally {
    span.end();
  }

  try {
    return await deps.orm.em.fork().transactional((em) => completeStatement(em, statementId, deps.store.bucket, stored));
  } catch (error) {
    // The database failed the issuing transaction (it restarted, or went away): free the lease so
    // a retry or the resume job can finish the statement as soon as it is back. Not counted.
    if (!(error instanceof StatementReleasedError)) await recordFailure(deps, statementId, describe(error), false, log);
    throw error;
  }
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}

/**
 * Records a failed attempt and frees the lease. When the database itself is what failed, it keeps
 * trying in the background for as long as the lease would have lasted, so the reservation is free
 * again as soon as the database answers instead of when the lease runs out.
 */
async function recordFailure(deps: IssuingDeps, statementId: string, reason: string, counted: boolean, log: IssuingDeps['logger']): Promise<void> {
  const record = () => recordAttemptFailure(deps.orm.em.fork(), statementId, reason, counted);
  try {
    await record();
    return;
  } catch {
    // the database does not answer: keep trying below, without holding up the answer to the request
  }
  const deadline = Date.now() + deps.leaseSeconds * 1000;
  void (async () => {
    for (let attempt = 1; ; attempt++) {
      await sleep(backoffDelay(Math.min(attempt, 6), 200, 5_000) + 100);
      try {
        await record();
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          log.error({ err: error }, 'statement failure not recorded; the reservation is free again when its lease runs out');
          return;
        }
      }
    }
  })();
}

/**
 * Undoes a reservation whose PDF cannot be rendered: the statement row and the orders it claimed
 * go, the pair is free for the next statement, and a first issue's number is handed back (the
 * counter steps back, or the number waits in the pool for the next reservation). A re-issue keeps
 * the number of the version it meant to replace, so nothing is handed back for it.
 */
async function abandonReservation(deps: IssuingDeps, reserved: StatementRow, cause: unknown): Promise<void> {
  await deps.orm.em.fork().transactional(async (em) => {
    const statement = await findStatement(em, reserved.id, true);
    if (!statement || statement.status !== 'RESERVED') return;
    const account = await lockLedgerAccount(em, statement.wholesalerId, statement.retailerId, { create: false });
    if (account.statementInFlight === statement.id) account.statementInFlight = null;
    await em.flush();
    await deleteReservation(em, statement.id);
    if (!statement.supersedesId) await returnStatementSequence(em, statement.wholesalerId, statementPeriod(statement.issueDay), statementSequenceOf(statement.number));
  });
  deps.logger.error({ statementId: reserved.id, number: reserved.number, version: reserved.version, err: cause }, 'statement could not be rendered; the reservation was undone');
}

async function completeStatement(
  em: EntityManager,
  statementId: string,
  bucket: string,
  stored: { key: string; sha256: string; sizeBytes: number; pages: number },
): Promise<StatementRow> {
  const statement = await findStatement(em, statementId, true);
  if (!statement) throw new Error(`statement ${statementId} vanished`);
  if (statement.status === 'ISSUED') return statement;
  if (statement.status === 'RELEASED') throw StatementReleasedError.byId(statementId);

  // The reservation created the pair's account.
  const account = await lockLedgerAccount(em, statement.wholesalerId, statement.retailerId, { create: false });
  const now = new Date();
  Object.assign(statement, {
    status: 'ISSUED',
    issuedAt: now,
    bucket,
    objectKey: stored.key,
    sha256: stored.sha256,
    sizeBytes: stored.sizeBytes,
    pages: stored.pages,
    lastError: null,
  } satisfies Partial<StatementRow>);
  const entry = (amount: number, forStatement: string, memo: string) => {
    account.balance = addExact(account.balance, amount);
    addLedgerEntry(em, {
      id: randomUUID(),
      wholesalerId: statement.wholesalerId,
      retailerId: statement.retailerId,
      kind: 'CHARGE',
      amount,
      at: now,
      statementId: forStatement,
      memo,
      balanceAfter: account.balance,
      recordedBy: null,
      recordedAt: now,
      idempotencyKey: null,
      requestFingerprint: null,
    });
  };

  if (statement.supersedesId) {
    // A re-issue: the old version's charge is reversed and the new one charged, so the balance moves
    // by the difference and Σ charges of the pair always equals Σ totals of its current statements.
    const old = await findStatement(em, statement.supersedesId, true);
    if (!old) throw new Error(`superseded statement ${statement.supersedesId} vanished`);
    old.supersededById = statement.id;
    entry(-old.total, old.id, `거래명세서 ${old.number} v${old.version} 취소 (v${statement.version}로 재발행)`);
    entry(statement.total, statement.id, `거래명세서 ${statement.number} v${statement.version} (재발행)`);
    await moveStatementOrders(em, old.id, {
      statementId: statement.id,
      orderVersions: new Map(statement.content.orders.map((o) => [o.orderId, o.orderVersion])),
    });
  } else {
    entry(statement.total, statement.id, `거래명세서 ${statement.number}`);
    // The payments this statement printed as 입금 are now billed; later ones wait for the next.
    account.unbilledPayments = subtractExact(account.unbilledPayments, statement.payments);
  }
  if (account.statementInFlight === statement.id) account.statementInFlight = null;

  publish(em, 'statement.issued', statement.id, toStatementIssued(statement, now, bucket, stored));
  return statement;
}

function toStatementIssued(
  statement: StatementRow,
  issuedAt: Date,
  bucket: string,
  stored: { key: string; sha256: string; sizeBytes: number; pages: number },
): StatementIssued {
  const { content } = statement;
  return {
    eventId: randomUUID(),
    occurredAt: issuedAt.getTime(),
    statementId: statement.id,
    statementNumber: statement.number,
    version: statement.version,
    supersedesStatementId: statement.supersedesId,
    issuedAt: issuedAt.getTime(),
    issueDay: statement.issueDay,
    // Phones pass through sealed as ordering sent them (content frozen before they were sealed has
    // them in clear, and no sealed value).
    wholesaler: { id: statement.wholesalerId, name: content.supplier.shopName, phone: content.supplier.ownerPhone ?? null, sealedPhone: content.supplier.sealedOwnerPhone ?? null },
    retailer: { id: content.buyer.id, name: content.buyer.name, phone: content.buyer.phone ?? null, sealedPhone: content.buyer.sealedPhone ?? null },
    orders: content.orders.map((o) => ({ orderId: o.orderId, orderNumber: o.orderNumber })),
    lineCount: statement.lineCount,
    total: statement.total,
    previousBalance: statement.previousBalance,
    payments: statement.payments,
    balance: statement.balance,
    document: { bucket, objectKey: stored.key, sha256: stored.sha256, sizeBytes: stored.sizeBytes, pages: stored.pages },
  };
}
