import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addExact, subtractExact } from '@marketbill/platform';
import type { Actor } from '@marketbill/schemas';
import { assertActsForWholesaler } from '../domain/access';
import { AmountLimitError, IdempotencyKeyReusedError, RetailerNotFoundError } from '../domain/billing-errors';
import { MAX_AMOUNT, withinAmountLimit } from '../domain/money-limits';
import type { PaymentRow } from '../data-access/entities';

export type { PaymentRow };
import { addPayment, findPaymentByIdempotencyKey, lockLedgerAccount } from '../data-access/ledger-repository';
import { pairHasTraded } from '../data-access/order-sheet-repository';
import { isUniqueViolation } from '../data-access/sql';
import { requestFingerprint } from './request-fingerprint';

export interface PaymentInput {
  retailerId: string;
  amount: number;
  paidAt?: Date | undefined;
  memo?: string | undefined;
}

/**
 * Records a payment the wholesaler received from a retailer (owner or staff). It lowers the pair's
 * balance at once and is printed as 입금 on the pair's next statement. The same Idempotency-Key
 * returns the payment recorded the first time.
 */
export async function recordPayment(em: EntityManager, actor: Actor, input: PaymentInput, idempotencyKey?: string): Promise<{ payment: PaymentRow; replayed: boolean }> {
  const wholesalerId = assertActsForWholesaler(actor);
  if (!withinAmountLimit(input.amount)) throw AmountLimitError.payment(MAX_AMOUNT);
  const paidAt = input.paidAt ?? new Date();
  const fingerprint = requestFingerprint('payment', { retailerId: input.retailerId, amount: input.amount, paidAt: input.paidAt?.toISOString() ?? null, memo: input.memo ?? null });
  const run = () =>
    em.transactional(async (tx) => {
    const earlier = idempotencyKey ? await findPaymentByIdempotencyKey(tx, wholesalerId, idempotencyKey) : null;
    if (earlier && idempotencyKey) {
      if (earlier.requestFingerprint !== fingerprint) throw IdempotencyKeyReusedError.forKey(idempotencyKey);
      return { payment: earlier, replayed: true };
    }
    if (!(await pairHasTraded(tx, wholesalerId, input.retailerId))) throw RetailerNotFoundError.forWholesaler(input.retailerId);
    const account = await lockLedgerAccount(tx, wholesalerId, input.retailerId);
    const balance = subtractExact(account.balance, input.amount);
    const unbilledPayments = addExact(account.unbilledPayments, input.amount);
    // An overpayment leaves a negative balance (credit), bounded like a debt.
    if (!withinAmountLimit(balance) || !withinAmountLimit(unbilledPayments)) throw AmountLimitError.balance(MAX_AMOUNT);
    account.balance = balance;
    account.unbilledPayments = unbilledPayments;
    const payment = addPayment(tx, {
      id: randomUUID(),
      wholesalerId,
      retailerId: input.retailerId,
      kind: 'PAYMENT',
      amount: input.amount,
      at: paidAt,
      statementId: null,
      memo: input.memo ?? null,
      balanceAfter: account.balance,
      recordedBy: actor.accountId,
      recordedAt: new Date(),
      idempotencyKey: idempotencyKey ?? null,
      requestFingerprint: idempotencyKey ? fingerprint : null,
    });
    return { payment, replayed: false };
  });
  try {
    return await run();
  } catch (error) {
    // Two requests with one key at once: the loser's insert hits the unique index; the replay now finds the winner's payment.
    if (idempotencyKey && isUniqueViolation(error)) return run();
    throw error;
  }
}
