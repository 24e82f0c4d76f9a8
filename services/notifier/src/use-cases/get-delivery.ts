import type { EntityManager } from '@mikro-orm/core';
import { NotFoundError } from '@marketbill/platform';
import { findDelivery, findDeliveryAttempts } from '../data-access/delivery-repository';
import { toDeliveryView, type DeliveryView } from './list-deliveries';

export interface AttemptView {
  at: string;
  outcome: string;
  httpStatus: number | null;
  providerStatus: string | null;
  providerMessage: string | null;
  requestId: string | null;
  durationMs: number;
}

/** One delivery with its attempts (replacing the count) and its text as stored: codes masked. */
export type DeliveryDetail = Omit<DeliveryView, 'attempts'> & {
  attempts: AttemptView[];
  subject: string | null;
  text: string;
  byteLength: number;
  expiresAt: string | null;
  nextAttemptAt: string | null;
};

export async function getDelivery(em: EntityManager, id: string): Promise<DeliveryDetail> {
  const delivery = await findDelivery(em, id);
  if (!delivery) throw NotFoundError.of('delivery', id);
  const attempts = await findDeliveryAttempts(em, id);
  return {
    ...toDeliveryView(delivery),
    attempts: attempts.map((a) => ({
      at: a.at.toISOString(),
      outcome: a.outcome,
      httpStatus: a.httpStatus,
      providerStatus: a.providerStatus,
      providerMessage: a.providerMessage,
      requestId: a.requestId,
      durationMs: a.durationMs,
    })),
    subject: delivery.subject,
    text: delivery.messageText,
    byteLength: delivery.byteLength,
    expiresAt: delivery.expiresAt ? delivery.expiresAt.toISOString() : null,
    nextAttemptAt: delivery.status === 'PENDING' ? delivery.nextAttemptAt.toISOString() : null,
  };
}
